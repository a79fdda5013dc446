#include "app/serve_command.hpp"

#include "actors/job_service_facade.hpp"
#include "actors/redis_worker.hpp"
#include "api/http_server.hpp"
#include "app/exit_codes.hpp"
#include "app/service_config.hpp"
#include "media/output_file.hpp"
#include "redis/redis_endpoint.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <malloc.h>
#include <memory>
#include <optional>
#include <thread>

namespace vs::app {

namespace {

struct serve_options {
  std::optional<std::string> output_dir;
  std::optional<std::string> host;
  std::optional<int> port;
  std::optional<std::string> media_roots;
  std::optional<int> max_concurrent_jobs;
  std::optional<double> grace_seconds;
  std::optional<std::string> redis_url;
  std::optional<std::string> redis_host;
  std::optional<int> redis_port;
};

std::atomic<bool> stop_requested{false};

extern "C" void on_stop_signal(int) { stop_requested.store(true); }

void install_stop_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGTERM, &action, nullptr);
  sigaction(SIGINT, &action, nullptr);
}

expected<service_config> build_config(const serve_options& options) {
  auto config = service_config_from_environment([](const char* name) { return std::getenv(name); });
  if (!config)
    return config.error();
  if (options.output_dir)
    config->output_dir = *options.output_dir;
  if (options.host)
    config->host = *options.host;
  if (options.port)
    config->port = *options.port;
  if (options.media_roots)
    config->media_roots = split_roots(*options.media_roots);
  if (options.max_concurrent_jobs)
    config->max_concurrent_jobs = *options.max_concurrent_jobs;
  if (options.grace_seconds)
    config->grace = std::chrono::milliseconds(static_cast<int64_t>(*options.grace_seconds * 1000));
  if (options.redis_url)
    config->redis_url = *options.redis_url;
  if (options.redis_host)
    config->redis_host = *options.redis_host;
  if (options.redis_port)
    config->redis_port = *options.redis_port;
  if (auto valid = validate(*config); !valid)
    return valid.error();
  return config;
}

expected<redis::redis_endpoint> redis_endpoint_of(const service_config& config) {
  if (!config.redis_url.empty())
    return redis::parse_redis_url(config.redis_url);
  redis::redis_endpoint endpoint;
  endpoint.host = config.redis_host;
  endpoint.port = config.redis_port;
  return endpoint;
}

actors::redis_worker_config worker_config(const service_config& config, const redis::redis_endpoint& endpoint,
                                          const actors::job_system_config& jobs) {
  actors::redis_worker_config worker;
  worker.endpoint = endpoint;
  worker.worker_id = config.worker_id;
  worker.output_dir = config.output_dir;
  worker.media_roots = config.media_roots;
  worker.max_jobs = jobs.max_concurrent_jobs;
  worker.lease = config.lease;
  worker.max_attempts = config.max_attempts;
  worker.dependency_timeout = config.dependency_timeout;
  return worker;
}

int run_serve(const serve_options& options) {
  auto config = build_config(options);
  if (!config) {
    std::cerr << "video-service serve: " << config.error().message << "\n";
    return exit_bad_input;
  }
  // Every running job brings detached threads (narration, encoder, x264's
  // own) that come and go; glibc gives each a malloc arena that keeps its
  // freed memory, so RSS would drift up with the number of jobs ever run.
  mallopt(M_ARENA_MAX, 4);
  actors::job_system_config jobs;
  jobs.output_dir = config->output_dir;
  jobs.max_concurrent_jobs = config->max_concurrent_jobs;
  auto system = actors::start_job_system(jobs);
  if (!system) {
    std::cerr << "video-service serve: " << system.error().message << "\n";
    return exit_code_for(system.error());
  }
  // Before any job of this process starts: partial files left by a killed
  // worker are removed; those other live workers still hold locked are kept.
  const std::string video_folder = config->output_dir + "/video";
  if (auto swept = media::remove_stale_partials(video_folder); !swept)
    spdlog::warn("partial files not swept: {}", swept.error().message);
  else if (*swept > 0)
    spdlog::info("removed {} stale partial file{} from {}", *swept, *swept == 1 ? "" : "s", video_folder);
  install_stop_handlers();
  spdlog::info("video-service: {} jobs at once, results in {}/video, {}", (*system)->config().max_concurrent_jobs,
               config->output_dir, config->redis_enabled() ? "Redis worker" : "standalone (no Redis)");
  std::unique_ptr<actors::redis_worker> worker;
  if (config->redis_enabled()) {
    auto endpoint = redis_endpoint_of(*config);
    if (!endpoint) {
      std::cerr << "video-service serve: " << endpoint.error().message << "\n";
      return exit_bad_input;
    }
    worker = actors::start_redis_worker(**system, worker_config(*config, *endpoint, (*system)->config()));
  }
  api::job_service& jobs_api = worker ? worker->service() : (*system)->service();

  api::http_config http;
  http.host = config->host;
  http.port = config->port;
  http.media_roots = config->effective_media_roots();
  http.output_dir = config->output_dir;
  // The HTTP server has its own stop flag: on SIGTERM it keeps answering
  // status polls (and synchronous /generateVideo calls) while running jobs
  // use their grace period; new submissions are refused meanwhile.
  std::atomic<bool> http_stop{false};
  std::atomic<bool> http_ended{false};
  status http_result;
  std::thread http_thread([&] {
    http_result = api::run_http_server(jobs_api, http, http_stop, [&](int port) {
      spdlog::info("listening on http://{}:{}", http.host, port);
    });
    http_ended = true;
  });

  while (!stop_requested.load() && !http_ended.load())
    std::this_thread::sleep_for(std::chrono::milliseconds(100));

  if (http_ended.load() && !http_result) {
    std::cerr << "video-service serve: " << http_result.error().message << "\n";
    http_thread.join();
    if (worker)
      worker->stop(std::chrono::milliseconds(0));
    (*system)->shutdown(std::chrono::milliseconds(0));
    return exit_failure;
  }
  spdlog::info("stopping: no new jobs; running jobs get {} s", static_cast<double>(config->grace.count()) / 1000.0);
  // With Redis, the worker shuts the job system down itself, in the order
  // that hands unfinished tasks back to the queue.
  int64_t cancelled = worker ? worker->stop(config->grace) : (*system)->shutdown(config->grace);
  http_stop = true;
  http_thread.join();
  spdlog::info("stopped ({} jobs cancelled)", cancelled);
  worker.reset();
  system->reset();
  return exit_ok;
}

} // namespace

std::function<int()> add_serve_command(CLI::App& app) {
  auto options = std::make_shared<serve_options>();
  CLI::App* serve = app.add_subcommand("serve", "Serve render jobs over HTTP (and Redis, when configured)");
  serve->add_option("--output-dir", options->output_dir, "Shared output folder (env OUTPUT_DIR, default /app/output)");
  serve->add_option("--host", options->host, "Address to listen on (env VIDEO_SERVICE_HOST, default 0.0.0.0)");
  serve->add_option("--port", options->port, "HTTP port (env VIDEO_SERVICE_PORT, default 8004)");
  serve->add_option("--media-roots", options->media_roots,
                    "Colon-separated folders input paths must lie in (env MEDIA_ROOTS, default the output folder)");
  serve->add_option("--max-concurrent-jobs", options->max_concurrent_jobs,
                    "Jobs rendering at once (env MAX_CONCURRENT_JOBS, default one per core)");
  serve->add_option("--grace-seconds", options->grace_seconds,
                    "On SIGTERM/SIGINT, how long running jobs may finish (env SHUTDOWN_GRACE_SECONDS, default 30)");
  serve->add_option("--redis-url", options->redis_url, "redis://host:port/db (env REDIS_URL)");
  serve->add_option("--redis-host", options->redis_host, "Redis host (env REDIS_HOST)");
  serve->add_option("--redis-port", options->redis_port, "Redis port (env REDIS_PORT, default 6379)");
  return [serve, options] {
    if (!serve->parsed())
      return -1;
    return run_serve(*options);
  };
}

} // namespace vs::app
