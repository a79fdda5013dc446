#pragma once
/// The HTTP API in front of the Redis worker, as `video-service serve` wires
/// it, with a real redis-server on a free port: task hashes written with
/// redis-cli show through GET /jobs/{id}, /tasks/{id} and /jobs/{id}/video.

#include "actors/redis_worker.hpp"
#include "redis/redis_endpoint.hpp"

#include "tests/api/http_fixture.hpp"
#include "tests/support/redis_server.hpp"

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <stdexcept>

namespace vs::test {

class redis_http_fixture {
public:
  redis_http_fixture() {
    std::filesystem::create_directories(dir.path() / "out" / "video");
    actors::job_system_config jobs;
    jobs.output_dir = dir.file("out");
    jobs.max_concurrent_jobs = 1;
    auto started = actors::start_job_system(jobs);
    if (!started)
      throw std::runtime_error(started.error().message);
    system = std::move(*started);
    actors::redis_worker_config worker_config;
    auto endpoint = redis::parse_redis_url(redis.url());
    if (!endpoint)
      throw std::runtime_error(endpoint.error().message);
    worker_config.endpoint = *endpoint;
    worker_config.worker_id = "api-test";
    worker_config.output_dir = dir.file("out");
    worker = actors::start_redis_worker(*system, worker_config);

    api::http_config config;
    config.media_roots = {dir.file("out")};
    config.output_dir = dir.file("out");
    http = std::make_unique<running_http_server>(worker->service(), config);
    port = http->port();
  }

  ~redis_http_fixture() {
    worker->stop(std::chrono::milliseconds(0));
    http.reset();
    worker.reset();
    system.reset();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(20, 0);
    return c;
  }

  void hset(const std::string& id, const std::map<std::string, std::string>& fields) {
    std::vector<std::string> args{"HSET", "task:" + id};
    for (const auto& [name, value] : fields) {
      args.push_back(name);
      args.push_back(value);
    }
    redis.cli(args);
  }

  temp_dir dir;
  redis_server redis;
  std::unique_ptr<actors::job_system> system;
  std::unique_ptr<actors::redis_worker> worker;
  std::unique_ptr<running_http_server> http;
  int port = 0;
};

} // namespace vs::test
