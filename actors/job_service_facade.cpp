#include "actors/job_service_facade.hpp"

#include "actors/actors.hpp"
#include "actors/caf_error.hpp"
#include "actors/frame_renderer.hpp"
#include "actors/image_decoder.hpp"
#include "actors/job_coordinator.hpp"
#include "actors/job_runner.hpp"

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>

#include <spdlog/spdlog.h>

#include <filesystem>
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
  if (config.max_job_memory_bytes <= 0)
    config.max_job_memory_bytes = config.memory_budget_bytes;
  if (config.max_queued_jobs <= 0)
    config.max_queued_jobs = 256;
  return config;
}

/// Owns the actor system; every api::job_service call is one request to the
/// coordinator from a short-lived scoped_actor, with a timeout, so a call
/// never blocks a scheduler thread and never waits forever.
class actor_job_system final : public job_system, public api::job_service {
public:
  explicit actor_job_system(const job_system_config& config)
      : config_(resolve(config)), counters_(std::make_shared<pipeline_counters>()), system_(caf_config_) {
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
    setup.memory_budget = config_.memory_budget_bytes;
    setup.memory = memory_context_of(config_);
    setup.limits = config_.limits;
    setup.decoders = decoders_;
    setup.renderers = renderers_;
    setup.counters = counters_;
    coordinator_ = system_.spawn(job_coordinator, std::move(setup));
  }

  ~actor_job_system() override {
    shutdown(std::chrono::milliseconds(0));
    caf::anon_send_exit(coordinator_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(renderers_, caf::exit_reason::user_shutdown);
    caf::anon_send_exit(decoders_, caf::exit_reason::user_shutdown);
    // system_'s destructor waits for every actor, detached ones included.
  }

  api::job_service& service() override { return *this; }
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

  expected<api::job_snapshot> find(const std::string& id) override {
    return ask<api::job_snapshot>(config_.request_timeout, atom::get_v, id);
  }

  std::vector<api::job_snapshot> recent(size_t limit) override {
    auto jobs = ask<std::vector<api::job_snapshot>>(config_.request_timeout, atom::list_v,
                                                   static_cast<uint64_t>(limit));
    if (!jobs)
      return {};
    return std::move(*jobs);
  }

  status cancel(const std::string& id) override {
    auto snapshot = ask<api::job_snapshot>(config_.request_timeout, atom::cancel_v, id);
    if (!snapshot)
      return snapshot.error();
    if (snapshot->state != api::job_state::cancelled)
      // It was already writing its last bytes when the cancel arrived.
      return vs::make_error(errc::conflict, "job " + id + " already ended (" +
                                              (snapshot->state == api::job_state::success ? "success" : "failed") +
                                              ")");
    return {};
  }

  expected<api::job_snapshot> wait(const std::string& id, std::chrono::milliseconds timeout) override {
    auto snapshot = ask<api::job_snapshot>(std::max(timeout, std::chrono::milliseconds(1)), atom::wait_v, id);
    if (!snapshot && snapshot.error().code == errc::unavailable)
      return find(id);  // timed out: the job's current state
    return snapshot;
  }

  api::service_stats stats() override {
    auto result = ask<api::service_stats>(config_.request_timeout, atom::stats_v);
    if (!result)
      return {};
    return std::move(*result);
  }

  job_coordinator_actor coordinator() const { return coordinator_; }
  caf::actor_system& actor_system() { return system_; }

private:
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
  caf::actor_system_config caf_config_;
  caf::actor_system system_;
  image_decoder_actor decoders_;
  frame_renderer_actor renderers_;
  job_coordinator_actor coordinator_;
  std::mutex shutdown_mutex_;
  std::optional<int64_t> shutdown_result_;
};

} // namespace

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
  return std::unique_ptr<job_system>(new actor_job_system(config));
}

} // namespace vs::actors
