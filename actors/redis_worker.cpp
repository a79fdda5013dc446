#include "actors/redis_worker.hpp"

#include "actors/dependency_resolver.hpp"
#include "actors/job_coordinator.hpp"
#include "actors/lease_keeper.hpp"
#include "actors/redis_intake.hpp"
#include "actors/redis_job_service.hpp"
#include "actors/redis_writer.hpp"

#include <caf/actor_cast.hpp>
#include <caf/actor_system.hpp>
#include <caf/exit_reason.hpp>
#include <caf/scoped_actor.hpp>
#include <caf/send.hpp>

#include <spdlog/spdlog.h>

#include <unistd.h>

namespace vs::actors {

namespace {

/// Evicted task hashes are lost jobs: say so at start-up.
void warn_about_eviction(const redis::redis_endpoint& endpoint) {
  redis::redis_client client(endpoint);
  auto policy = client.command({"CONFIG", "GET", "maxmemory-policy"});
  if (!policy) {
    spdlog::warn("Redis at {}: {} (the worker keeps retrying)", endpoint.describe(), policy.error().message);
    return;
  }
  if (policy->elements.size() == 2 && policy->elements[1].text != "noeviction")
    spdlog::warn("Redis maxmemory-policy is {}, not noeviction: under memory pressure Redis may evict task "
                 "hashes, and an evicted task is a lost job",
                 policy->elements[1].text);
}

class actor_redis_worker final : public redis_worker {
public:
  actor_redis_worker(job_system& system, redis_worker_config config)
      : system_(system), health_(std::make_shared<redis_health>()),
        service_(system.service(), config.endpoint, health_) {
    auto& actors = actor_system_of(system);
    auto coordinator = coordinator_of(system);
    keeper_ = actors.spawn<caf::detached>(lease_keeper, config, health_);
    writer_ = actors.spawn<caf::detached>(redis_writer, config, health_, coordinator);
    resolver_ = actors.spawn<caf::detached>(dependency_resolver, config, health_, coordinator, writer_);
    intake_ = actors.spawn<caf::detached>(redis_intake, config, health_, resolver_);
    caf::anon_send(writer_, atom::start_v, intake_);
    caf::anon_send(resolver_, atom::start_v, intake_);
    caf::anon_send(coordinator, atom::observe_v, caf::actor_cast<job_observer_actor>(writer_));
    spdlog::info("redis worker {} on {}: up to {} tasks at once, lease {} ms, {} attempts", config.worker_id,
                 config.endpoint.describe(), config.max_jobs, config.lease.count(), config.max_attempts);
  }

  ~actor_redis_worker() override { stop(std::chrono::milliseconds(0)); }

  jobs::job_service& service() override { return service_; }

  int64_t stop(std::chrono::milliseconds grace) override {
    if (stopped_)
      return cancelled_;
    stopped_ = true;
    auto& actors = actor_system_of(system_);
    caf::scoped_actor self{actors};
    auto ask = [&](auto target, auto atom_value, std::chrono::milliseconds timeout) {
      self->request(target, timeout, atom_value)
        .receive([](bool) {}, [](caf::error&) { spdlog::warn("redis worker: a stop step timed out"); });
    };
    // Order matters: no new tasks, then waiting ones go back, then running
    // jobs finish (or are cancelled and go back), then the writes land.
    ask(intake_, atom::shutdown_v, std::chrono::seconds(10));
    ask(writer_, atom::shutdown_v, std::chrono::seconds(10));
    ask(resolver_, atom::shutdown_v, std::chrono::seconds(10));
    cancelled_ = system_.shutdown(grace);
    ask(writer_, atom::flush_v, std::chrono::seconds(20));
    ask(keeper_, atom::shutdown_v, std::chrono::seconds(10));
    for (const caf::actor_addr& actor : {intake_.address(), resolver_.address(), writer_.address(), keeper_.address()})
      caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
    return cancelled_;
  }

private:
  job_system& system_;
  std::shared_ptr<redis_health> health_;
  redis_job_service service_;
  lease_keeper_actor keeper_;
  redis_writer_actor writer_;
  dependency_resolver_actor resolver_;
  redis_intake_actor intake_;
  bool stopped_ = false;
  int64_t cancelled_ = 0;
};

} // namespace

std::string default_worker_id() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0 || host[0] == '\0')
    std::snprintf(host, sizeof host, "worker");
  return std::string(host) + "-" + std::to_string(getpid());
}

std::unique_ptr<redis_worker> start_redis_worker(job_system& system, redis_worker_config config) {
  if (config.worker_id.empty())
    config.worker_id = default_worker_id();
  warn_about_eviction(config.endpoint);
  return std::make_unique<actor_redis_worker>(system, std::move(config));
}

} // namespace vs::actors
