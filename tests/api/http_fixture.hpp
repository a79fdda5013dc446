#pragma once
/// A real job system (the actors) behind a real HTTP server on a free
/// loopback port, with a temp folder as the only media root.

#include "actors/job_service_facade.hpp"
#include "api/http_server.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <functional>
#include <future>
#include <stdexcept>
#include <thread>

namespace vs::test {

/// run_http_server on its own thread, on a free loopback port, until destroyed.
class running_http_server {
public:
  running_http_server(jobs::job_service& service, api::http_config config) {
    config.host = "127.0.0.1";
    config.port = 0;
    std::promise<int> bound;
    auto port_future = bound.get_future();
    thread_ = std::thread([this, &service, config, &bound] {
      auto served = api::run_http_server(service, config, stop_, [&bound](int p) { bound.set_value(p); });
      if (!served)
        bound.set_value(-1);
    });
    port_ = port_future.get();
    if (port_ <= 0) {
      thread_.join();
      throw std::runtime_error("the HTTP server did not start");
    }
  }
  ~running_http_server() {
    stop_ = true;
    thread_.join();
  }
  running_http_server(const running_http_server&) = delete;
  running_http_server& operator=(const running_http_server&) = delete;

  int port() const { return port_; }

private:
  std::atomic<bool> stop_{false};
  std::thread thread_;
  int port_ = 0;
};

/// A real job system writing to `output_dir`, running `max_jobs` at once.
inline std::unique_ptr<actors::job_system> start_test_job_system(const std::string& output_dir, int max_jobs) {
  actors::job_system_config jobs;
  jobs.output_dir = output_dir;
  jobs.max_concurrent_jobs = max_jobs;
  auto started = actors::start_job_system(jobs);
  if (!started)
    throw std::runtime_error(started.error().message);
  return std::move(*started);
}

class http_fixture {
public:
  explicit http_fixture(int max_jobs = 2, size_t max_body = 1 << 20)
      : http_fixture([max_body](api::http_config& config) { config.max_body_bytes = max_body; }, max_jobs) {}

  /// `adjust` changes the HTTP settings before the server starts.
  explicit http_fixture(const std::function<void(api::http_config&)>& adjust, int max_jobs = 2) {
    system = start_test_job_system(dir.file("out"), max_jobs);
    api::http_config config;
    config.media_roots = {dir.file("media")};
    config.output_dir = dir.file("out");
    adjust(config);
    std::filesystem::create_directories(dir.file("media"));
    http = std::make_unique<running_http_server>(system->service(), config);
    port = http->port();
  }

  ~http_fixture() {
    http.reset();
    system->shutdown(std::chrono::milliseconds(0));
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", port);
    c.set_read_timeout(120, 0);
    return c;
  }

  /// Path of a file inside the media root.
  std::string media(const std::string& name) const { return dir.file("media/" + name); }
  /// What a 403/404 on an input path adds: the allowed folders and uploads (api/media_roots).
  std::string roots_note() const {
    return " (inputs must lie in MEDIA_ROOTS: " + std::filesystem::canonical(dir.file("media")).string() +
           ", or be uploaded with POST /uploads)";
  }

  /// Writes a small job's inputs into the media root and returns its JSON body.
  nlohmann::json small_job(double seconds = 2.0, int slides = 2) const {
    write_test_audio(media("voice.mp3"), seconds);
    nlohmann::json images = nlohmann::json::array();
    for (int i = 0; i < slides; ++i) {
      std::string path = media("slide" + std::to_string(i) + ".png");
      write_test_png(path, 320, 240, 3, i);
      images.push_back(path);
    }
    return {{"audio_path", media("voice.mp3")}, {"image_paths", images}, {"resolution", "320x180"},
            {"fps", 12}, {"preset", "ultrafast"}};
  }

  temp_dir dir;
  std::unique_ptr<actors::job_system> system;
  std::unique_ptr<running_http_server> http;
  int port = 0;
};

inline nlohmann::json body_of(const httplib::Result& result) {
  if (!result)
    throw std::runtime_error("no HTTP response");
  return nlohmann::json::parse(result->body);
}

/// Polls GET /jobs/{id} until the job ends (success, failed, cancelled); fails the test after `limit`.
inline nlohmann::json wait_until_final(httplib::Client& client, const std::string& id,
                                       std::chrono::seconds limit = std::chrono::seconds(60)) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  for (;;) {
    auto job = body_of(client.Get(("/jobs/" + id).c_str()));
    std::string status = job["status"];
    if (status == "success" || status == "failed" || status == "cancelled")
      return job;
    if (std::chrono::steady_clock::now() > deadline)
      FAIL("job " << id << " still " << status);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

/// Checks an error answer: its status and the JSON error's code, message and field (absent if empty).
inline void check_error_reply(const httplib::Result& result, int status, const std::string& code,
                              const std::string& message, const std::string& field) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  auto body = nlohmann::json::parse(result->body);
  CHECK(body["error"]["code"] == code);
  CHECK(body["error"]["message"] == message);
  if (field.empty())
    CHECK_FALSE(body["error"].contains("field"));
  else
    CHECK(body["error"]["field"] == field);
}

} // namespace vs::test
