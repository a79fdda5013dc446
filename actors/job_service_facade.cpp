#include "actors/job_service_facade.hpp"

#include "actors/actors.hpp"
#include "actors/caf_error.hpp"
#include "actors/frame_renderer.hpp"
#include "actors/image_decoder.hpp"
#include "actors/job_coordinator.hpp"
#include "actors/job_runner.hpp"
#include "jobs/job_time.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
#include <limits>
#include <mutex>
#include <thread>

namespace vs::actors {

namespace {

int cores() { return static_cast<int>(std::max(1u, std::thread::hardware_concurrency())); }

job_system_config resolve(job_system_config config) {
  if (config.max_concurrent_jobs <= 0)
    config.max_concurrent_jobs = cores();
  if (config.renderers <= 0)
    config.renderers = cores();
  if (config.decoders <= 0)
    config.decoders = 2;
  if (config.credits_per_job <= 0)
    config.credits_per_job = 2 * config.renderers + 2;
  if (config.memory_budget_bytes <= 0)
    config.memory_budget_bytes = media::default_memory_budget();
  config.limits = media::with_decode_share(config.limits, config.decoders, config.memory_budget_bytes);
  if (config.max_job_memory_bytes <= 0)
    config.max_job_memory_bytes = jobs_budget(config);
  if (config.max_queued_jobs <= 0)
    config.max_queued_jobs = 256;
  return config;
}

/// Owns the actor system; every jobs::job_service call is one request to the
/// coordinator from a short-lived scoped_actor, with a timeout, so a call
/// never blocks a scheduler thread and never waits forever.
class actor_job_system final : public job_system, public jobs::job_service {
public:
  actor_job_system(const job_system_config& config, std::shared_ptr<store::job_store> store,
                   std::vector<jobs::job_snapshot> resumed)
      : config_(resolve(config)), counters_(std::make_shared<pipeline_counters>()), store_(std::move(store)),
        system_(caf_config_) {
    decoders_ = system_.spawn(image_decoder_pool, config_.decoders);
    renderers_ = system_.spawn(frame_renderer_pool, config_.renderers);
    coordinator_setup setup;
    setup.output_dir = config_.output_dir;
    setup.max_concurrent_jobs = config_.max_concurrent_jobs;
    setup.credits_per_job = config_.credits_per_job;
    setup.max_finished_jobs = config_.max_finished_jobs;
    setup.max_queued_jobs = config_.max_queued_jobs;
    setup.max_queued_bytes = config_.max_queued_bytes;
    setup.max_job_memory = config_.max_job_memory_bytes;
    setup.memory_budget = jobs_budget(config_);
    setup.memory = memory_context_of(config_);
    setup.limits = config_.limits;
    setup.decoders = decoders_;
    setup.renderers = renderers_;
    setup.counters = counters_;
    setup.chunking = config_.chunking;
    setup.store = store_;
    setup.resumed = std::move(resumed);
    coordinator_ = system_.spawn(job_coordinator, std::move(setup));
  }

  ~actor_job_system() override {
    shutdown(std::chrono::milliseconds(0));
    caf::anon_send_exit(coordinator_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(renderers_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(decoders_, caf::exit_reason::user_shutdown);
    // system_'s destructor waits for every actor, detached ones included.
  }

  using jobs::job_service::recent;
  jobs::job_service& service() override { return *this; }
  const job_system_config& config() const override { return config_; }
  const pipeline_counters& counters() const override { return *counters_; }

  int64_t shutdown(std::chrono::milliseconds grace) override {
    std::lock_guard<std::mutex> guard(shutdown_mutex_);
    if (shutdown_result_)
      return *shutdown_result_;
    caf::scoped_actor self{system_};
    int64_t cancelled = 0;
    // Cancelled jobs stop within a second; allow a generous margin past the grace.
    self->request(coordinator_, grace + std::chrono::seconds(30), atom::shutdown_v, caf::timespan{grace})
      .receive([&](int64_t count) { cancelled = count; },
               [&](caf::error& failure) { spdlog::warn("shutdown: {}", from_caf(failure).message); });
    shutdown_result_ = cancelled;
    return cancelled;
  }

  expected<std::string> submit(media::render_spec spec) override {
    return ask<std::string>(config_.request_timeout, atom::submit_v, job_submission{std::move(spec), "http", {}, {}});
  }

  /// The coordinator knows the jobs of this process; the store (read on
  /// the caller's thread) those of earlier ones too.
  expected<jobs::job_snapshot> find(const std::string& id) override {
    auto live = ask<jobs::job_snapshot>(config_.request_timeout, atom::get_v, id);
    if (live || live.error().code != errc::not_found || !store_)
      return live;
    auto stored = store_->find(id);
    if (!stored)
      return stored.error();
    if (!stored->has_value())
      return live;
    return std::move(**stored);
  }

  std::vector<jobs::job_snapshot> recent(const jobs::job_query& query) override {
    if (store_)
      return recent_stored(query);
    // Filtered, the newest `limit` matching jobs may lie anywhere in the table.
    const uint64_t wanted = query.state ? std::numeric_limits<uint64_t>::max() : query.limit;
    auto jobs = ask<std::vector<jobs::job_snapshot>>(config_.request_timeout, atom::list_v, wanted);
    if (!jobs)
      return {};
    std::vector<jobs::job_snapshot> matching;
    for (auto& job : *jobs)
      if (matching.size() < query.limit && (!query.state || job.state == *query.state))
        matching.push_back(std::move(job));
    return matching;
  }

  status cancel(const std::string& id) override {
    auto snapshot = ask<jobs::job_snapshot>(config_.request_timeout, atom::cancel_v, id);
    if (!snapshot && snapshot.error().code == errc::not_found && store_)
      if (auto stored = store_->find(id); stored && stored->has_value())
        // Only jobs that ended are in the store alone.
        return vs::make_error(errc::conflict, "job " + id + " already ended (" +
                                                jobs::to_string((*stored)->state) + ")");
    if (!snapshot)
      return snapshot.error();
    if (snapshot->state != jobs::job_state::cancelled)
      // It was already writing its last bytes when the cancel arrived.
      return vs::make_error(errc::conflict, "job " + id + " already ended (" +
                                              (snapshot->state == jobs::job_state::success ? "success" : "failed") +
                                              ")");
    return {};
  }

  expected<jobs::job_snapshot> wait(const std::string& id, std::chrono::milliseconds timeout) override {
    auto snapshot = ask<jobs::job_snapshot>(std::max(timeout, std::chrono::milliseconds(1)), atom::wait_v, id);
    if (!snapshot && (snapshot.error().code == errc::unavailable || snapshot.error().code == errc::not_found))
      return find(id);  // timed out: the job's current state; or it ended in an earlier process
    return snapshot;
  }

  jobs::service_stats stats() override {
    auto result = ask<jobs::service_stats>(config_.request_timeout, atom::stats_v);
    if (!result)
      return {};
    return std::move(*result);
  }

  job_coordinator_actor coordinator() const { return coordinator_; }
  caf::actor_system& actor_system() { return system_; }

private:
  /// The store's rows, which change only at transitions; a rendering job's
  /// progress comes from the coordinator.
  std::vector<jobs::job_snapshot> recent_stored(const jobs::job_query& query) {
    auto jobs = store_->recent(query);
    if (!jobs) {
      spdlog::error("job store: {}", jobs.error().message);
      return {};
    }
    for (auto& job : *jobs)
      if (job.state == jobs::job_state::processing)
        if (auto live = ask<jobs::job_snapshot>(config_.request_timeout, atom::get_v, job.id))
          job = std::move(*live);
    return std::move(*jobs);
  }

  template <class T, class... Ts>
  expected<T> ask(std::chrono::milliseconds timeout, Ts&&... xs) {
    caf::scoped_actor self{system_};
    std::optional<expected<T>> answer;
    self->request(coordinator_, timeout, std::forward<Ts>(xs)...)
      .receive([&](T& value) { answer.emplace(std::move(value)); },
               [&](caf::error& failure) { answer.emplace(from_caf(failure)); });
    if (!answer)
      return vs::make_error(errc::internal, "no answer from the job coordinator");
    return std::move(*answer);
  }

  job_system_config config_;
  std::shared_ptr<pipeline_counters> counters_;
  std::shared_ptr<store::job_store> store_;
  caf::actor_system_config caf_config_;
  caf::actor_system system_;
  image_decoder_actor decoders_;
  frame_renderer_actor renderers_;
  job_coordinator_actor coordinator_;
  std::mutex shutdown_mutex_;
  std::optional<int64_t> shutdown_result_;
};

void log_recovery(const std::string& path, const store::job_recovery& recovery) {
  spdlog::info("job store {}: {} finished jobs kept ({} pruned), {} queued jobs resume ({} of them were rendering "
               "and start again)",
               path, recovery.finished, recovery.pruned, recovery.queued.size(), recovery.restarted);
  if (recovery.given_up > 0)
    spdlog::warn("job store {}: {} jobs were rendering when the service stopped MAX_ATTEMPTS times and failed",
                 path, recovery.given_up);
  if (recovery.unreadable > 0)
    spdlog::warn("job store {}: {} queued jobs could not be read back and failed", path, recovery.unreadable);
}

} // namespace

int64_t decoder_reserve_bytes(const job_system_config& config) {
  return config.decoders * media::image_decode_bytes(config.limits);
}

int64_t jobs_budget(const job_system_config& config) {
  return std::max<int64_t>(0, config.memory_budget_bytes - decoder_reserve_bytes(config));
}

media::memory_context memory_context_of(const job_system_config& config) {
  media::memory_context context;
  context.hardware_threads = media::machine_threads();
  context.render_threads = config.renderers;
  context.frames_in_flight = config.credits_per_job;
  context.resident_slides = job_runner_state::slide_window;
  return context;
}

job_coordinator_actor coordinator_of(job_system& system) {
  return dynamic_cast<actor_job_system&>(system).coordinator();
}

caf::actor_system& actor_system_of(job_system& system) {
  return dynamic_cast<actor_job_system&>(system).actor_system();
}

expected<std::unique_ptr<job_system>> start_job_system(const job_system_config& config) {
  std::error_code ec;
  auto folder = std::filesystem::path(config.output_dir) / "video";
  std::filesystem::create_directories(folder, ec);
  if (ec || !std::filesystem::is_directory(folder))
    return make_error(errc::io_error, "cannot create the output folder " + folder.string() +
                                        (ec ? ": " + ec.message() : std::string()));
  std::shared_ptr<store::job_store> store;
  std::vector<jobs::job_snapshot> resumed;
  if (config.store) {
    auto opened = store::job_store::open(*config.store);
    if (!opened)
      return opened.error();
    store = std::move(*opened);
    auto recovery = store->recover(jobs::now_ms());
    if (!recovery)
      return recovery.error();
    log_recovery(config.store->path, *recovery);
    resumed = std::move(recovery->queued);
  }
  return std::unique_ptr<job_system>(new actor_job_system(config, std::move(store), std::move(resumed)));
}

} // namespace vs::actors
