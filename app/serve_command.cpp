#include "app/serve_command.hpp"

#include "actors/job_service_facade.hpp"
#include "actors/redis_worker.hpp"
#include "actors/webhook_observer.hpp"
#include "api/http_server.hpp"
#include "api/json_log.hpp"
#include "app/exit_codes.hpp"
#include "app/malloc_policy.hpp"
#include "app/service_config.hpp"
#include "app/webhook_setup.hpp"
#include "media/output_file.hpp"
#include "media/root_folders.hpp"
#include "redis/redis_endpoint.hpp"
#include "webhooks/webhook_dispatcher.hpp"
#include "webhooks/webhook_job_service.hpp"

#include <spdlog/spdlog.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>
#include <optional>
#include <thread>
#include <vector>

namespace vs::app {

namespace {

/// Each option overrides one environment variable. Kept as text and parsed
/// by the same strict reader as the variable, so a bad value is refused the
/// same way, naming the option.
struct serve_option {
  const char* flag;
  const char* variable;
  const char* help;
  std::optional<std::string> value;
};

struct serve_options {
  std::vector<serve_option> all{
    {"--output-dir", "OUTPUT_DIR", "Shared output folder (env OUTPUT_DIR, default /app/output)", {}},
    {"--host", "VIDEO_SERVICE_HOST", "Address to listen on (env VIDEO_SERVICE_HOST, default 0.0.0.0)", {}},
    {"--port", "VIDEO_SERVICE_PORT", "HTTP port (env VIDEO_SERVICE_PORT, default 8004)", {}},
    {"--media-roots", "MEDIA_ROOTS",
     "Colon-separated folders input paths must lie in (env MEDIA_ROOTS, default the output folder)", {}},
    {"--max-concurrent-jobs", "MAX_CONCURRENT_JOBS",
     "Jobs rendering at once (env MAX_CONCURRENT_JOBS, default one per core)", {}},
    {"--max-queued-jobs", "MAX_QUEUED_JOBS",
     "HTTP jobs waiting at most; more are refused with 429 (env MAX_QUEUED_JOBS, default 256)", {}},
    {"--memory-budget-mb", "MEMORY_BUDGET_MB",
     "Memory the running jobs' estimates may add up to (env MEMORY_BUDGET_MB, default 70% of memory)", {}},
    {"--max-job-memory-mb", "MAX_JOB_MEMORY_MB",
     "A job whose estimate is larger is refused with 422 (env MAX_JOB_MEMORY_MB, default the budget)", {}},
    {"--grace-seconds", "SHUTDOWN_GRACE_SECONDS",
     "On SIGTERM/SIGINT, how long running jobs may finish (env SHUTDOWN_GRACE_SECONDS, default 30)", {}},
    {"--http-max-connections", "HTTP_MAX_CONNECTIONS",
     "HTTP connections served at once; more get 503 (env HTTP_MAX_CONNECTIONS, default 256)", {}},
    {"--http-max-sync-waits", "HTTP_MAX_SYNC_WAITS",
     "POST /generateVideo calls waiting at once; more get 429 (env HTTP_MAX_SYNC_WAITS, default 128)", {}},
    {"--http-request-timeout", "HTTP_REQUEST_TIMEOUT_SECONDS",
     "Seconds a client may take to send one request; slower gets 408 (env HTTP_REQUEST_TIMEOUT_SECONDS, default 30)",
     {}},
    {"--http-max-body-memory-mb", "HTTP_MAX_BODY_MEMORY_MB",
     "Request bodies of all connections at once; more get 503 (env HTTP_MAX_BODY_MEMORY_MB, default 64)", {}},
    {"--cors-origins", "CORS_ORIGINS",
     "Origins whose web pages may call the API, comma-separated, or * (env CORS_ORIGINS, default none)", {}},
    {"--upload-max-mb", "UPLOAD_MAX_MB",
     "Largest upload request (POST /uploads, a multipart job) in MiB; more get 413 (env UPLOAD_MAX_MB, default 512)", {}},
    {"--upload-max-age-hours", "UPLOAD_MAX_AGE_HOURS",
     "Uploads unused for this long are removed (env UPLOAD_MAX_AGE_HOURS, default 24)", {}},
    {"--log-format", "LOG_FORMAT", "text, or json for one JSON object per line (env LOG_FORMAT, default text)", {}},
    {"--job-store-path", "JOB_STORE_PATH",
     "Without Redis: the SQLite file jobs are kept in across restarts (env JOB_STORE_PATH, default "
     "OUTPUT_DIR/jobs.sqlite)", {}},
    {"--job-history-days", "JOB_HISTORY_DAYS",
     "Without Redis: finished jobs are forgotten after this many days; 0: never (env JOB_HISTORY_DAYS, default 30)", {}},
    {"--job-history-max", "JOB_HISTORY_MAX",
     "Without Redis: at most this many finished jobs are kept; 0: no bound (env JOB_HISTORY_MAX, default 10000)", {}},
    {"--max-attempts", "MAX_ATTEMPTS",
     "Renders of a job cut short by the process dying before it is failed (env MAX_ATTEMPTS, default 3)", {}},
    {"--redis-url", "REDIS_URL", "redis://host:port/db (env REDIS_URL)", {}},
    {"--redis-host", "REDIS_HOST", "Redis host (env REDIS_HOST)", {}},
    {"--redis-port", "REDIS_PORT", "Redis port (env REDIS_PORT, default 6379)", {}},
  };
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
  for (const auto& option : options.all)
    if (option.value)
      if (auto applied = apply_setting(*config, option.variable, *option.value, option.flag); !applied)
        return applied.error();
  if (auto valid = validate(*config); !valid)
    return valid.error();
  // Relative folders are taken against the working folder once, here, so
  // logs, errors and job snapshots show where files really are.
  config->output_dir = media::lexically_absolute(config->output_dir).string();
  for (auto& root : config->media_roots)
    root = media::lexically_absolute(root).string();
  if (!config->job_store_path.empty())
    config->job_store_path = media::lexically_absolute(config->job_store_path).string();
  return config;
}

/// OUTPUT_DIR is made if missing; a folder that cannot be made ends the
/// start, since a server without it could only refuse every job.
status create_output_folder(const std::string& output_dir) {
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(output_dir) / "video", ec);
  if (ec)
    return make_error(errc::io_error, "cannot create the output folder " + output_dir + " (OUTPUT_DIR or --output-dir): " +
                                          ec.message());
  return {};
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
  worker.chunking = jobs.chunking;
  return worker;
}

/// Standalone, the jobs live in an SQLite file; with Redis, in Redis.
store::job_store_settings job_store_settings_of(const service_config& config) {
  store::job_store_settings settings;
  settings.path = config.effective_job_store_path();
  settings.history_days = config.job_history_days;
  settings.history_max = config.job_history_max;
  settings.max_attempts = config.max_attempts;
  return settings;
}

/// Chunked rendering needs the queue: on with Redis and CHUNK_SECONDS > 0.
actors::chunk_settings chunking_of(const service_config& config, const redis::redis_endpoint& endpoint,
                                   const actors::job_system_config& jobs) {
  actors::chunk_settings chunking;
  chunking.endpoint = endpoint;
  chunking.worker_id = config.worker_id;
  chunking.output_dir = config.output_dir;
  chunking.limits = jobs.limits;
  chunking.chunk_seconds = config.chunk_seconds;
  chunking.lease = config.lease;
  return chunking;
}

int run_serve(const serve_options& options) {
  auto config = build_config(options);
  if (!config) {
    std::cerr << "video-service serve: " << config.error().message << "\n";
    return exit_bad_input;
  }
  if (config->log_format == "json")
    spdlog::set_formatter(api::json_log_formatter());
  auto webhook_settings = webhook_settings_of(*config);
  if (!webhook_settings) {
    std::cerr << "video-service serve: " << webhook_settings.error().message << "\n";
    return exit_bad_input;
  }
  if (auto created = create_output_folder(config->output_dir); !created) {
    std::cerr << "video-service serve: " << created.error().message << "\n";
    return exit_failure;
  }
  limit_malloc_retention();
  actors::job_system_config jobs;
  jobs.output_dir = config->output_dir;
  jobs.max_concurrent_jobs = config->max_concurrent_jobs;
  jobs.max_queued_jobs = config->max_queued_jobs;
  jobs.memory_budget_bytes = config->memory_budget_mb << 20;
  jobs.max_job_memory_bytes = config->max_job_memory_mb << 20;
  std::optional<redis::redis_endpoint> endpoint;
  if (!config->redis_enabled())
    jobs.store = job_store_settings_of(*config);
  if (config->redis_enabled()) {
    auto resolved_endpoint = redis_endpoint_of(*config);
    if (!resolved_endpoint) {
      std::cerr << "video-service serve: " << resolved_endpoint.error().message << "\n";
      return exit_bad_input;
    }
    endpoint = *resolved_endpoint;
    // Chunk workers and the intake must name the same lists.
    if (config->worker_id.empty())
      config->worker_id = actors::default_worker_id();
    if (config->chunk_seconds > 0)
      jobs.chunking = chunking_of(*config, *endpoint, jobs);
  }
  // Before any job of this process starts (resumed jobs start with the job
  // system): partial files left by a killed worker are removed; those other
  // live workers still hold locked are kept.
  const std::string video_folder = config->output_dir + "/video";
  if (auto swept = media::remove_stale_partials(video_folder); !swept)
    spdlog::warn("partial files not swept: {}", swept.error().message);
  else if (*swept > 0)
    spdlog::info("removed {} stale partial file{} from {}", *swept, *swept == 1 ? "" : "s", video_folder);
  auto system = actors::start_job_system(jobs);
  if (!system) {
    std::cerr << "video-service serve: " << system.error().message << "\n";
    return exit_code_for(system.error());
  }
  install_stop_handlers();
  const auto& resolved = (*system)->config();
  spdlog::info("video-service: {} jobs at once within {} MB (at most {} MB each; {} MB more for {} image decoders), "
               "{} may wait; results in {}/video, {}",
               resolved.max_concurrent_jobs, media::to_mib(actors::jobs_budget(resolved)),
               media::to_mib(resolved.max_job_memory_bytes), media::to_mib(actors::decoder_reserve_bytes(resolved)),
               resolved.decoders, resolved.max_queued_jobs, config->output_dir,
               config->redis_enabled() ? "Redis worker" : "standalone (no Redis), jobs kept in " + jobs.store->path);
  // Webhooks: every job's end goes to the dispatcher; a Redis task's only
  // once the writer recorded it (actors/webhook_observer.hpp).
  if (!config->worker_id.empty())
    webhook_settings->worker_id = config->worker_id;
  // Opened after the job system, whose job store lock tells a second serve
  // on the same OUTPUT_DIR apart first.
  auto outbox = endpoint ? make_redis_outbox(*endpoint, *webhook_settings)
                         : open_standalone_outbox(*webhook_settings, config->effective_job_store_path());
  if (!outbox) {
    std::cerr << "video-service serve: " << outbox.error().message << "\n";
    (*system)->shutdown(std::chrono::milliseconds(0));
    return exit_code_for(outbox.error());
  }
  auto dispatcher = std::make_shared<webhooks::webhook_dispatcher>(*webhook_settings, *outbox);
  auto job_finished = [dispatcher](const jobs::job_snapshot& job) { dispatcher->job_finished(job); };
  auto flush_final_jobs = actors::observe_final_jobs(**system, job_finished, endpoint.has_value());
  std::unique_ptr<actors::redis_worker> worker;
  if (endpoint) {
    auto settings = worker_config(*config, *endpoint, (*system)->config());
    settings.on_task_final = job_finished;
    worker = actors::start_redis_worker(**system, settings);
  }
  // The HTTP threads read delivery state: with Redis through a connection
  // of their own (not queued behind the dispatcher's); standalone from the
  // dispatcher's own outbox, the only one that holds its deliveries.
  webhooks::webhook_job_service jobs_api(worker ? worker->service() : (*system)->service(),
                                         endpoint ? make_redis_outbox(*endpoint, *webhook_settings) : *outbox,
                                         webhook_settings->allowed_hosts);

  api::http_config http;
  http.host = config->host;
  http.port = config->port;
  http.media_roots = config->effective_media_roots();
  http.output_dir = config->output_dir;
  http.max_connections = config->http_max_connections;
  http.max_sync_waits = config->http_max_sync_waits;
  http.request_timeout = config->http_request_timeout;
  http.max_body_memory_bytes = static_cast<uint64_t>(config->http_max_body_memory_mb) << 20;
  http.cors_origins = config->cors_origins;
  http.upload_max_bytes = static_cast<uint64_t>(config->upload_max_mb) << 20;
  http.upload_max_age = std::chrono::hours(config->upload_max_age_hours);
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
    flush_final_jobs();
    dispatcher->stop();
    return exit_failure;
  }
  spdlog::info("stopping: no new jobs; running jobs get {} s", static_cast<double>(config->grace.count()) / 1000.0);
  // With Redis, the worker shuts the job system down itself, in the order
  // that hands unfinished tasks back to the queue.
  int64_t cancelled = worker ? worker->stop(config->grace) : (*system)->shutdown(config->grace);
  // Once every job's end is in (the ones the shutdown cancelled too), their
  // webhooks get their first attempt; with Redis, pending ones wait there
  // for another worker or a restart.
  flush_final_jobs();
  dispatcher->stop();
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
  for (auto& option : options->all)
    serve->add_option(option.flag, option.value, option.help);
  return [serve, options] {
    if (!serve->parsed())
      return -1;
    return run_serve(*options);
  };
}

} // namespace vs::app
