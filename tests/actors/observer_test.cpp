// The hooks the Redis issue builds on: a submission with a source and an
// external id sent straight to the coordinator, and an observer actor that
// sees every change of every job.

#include "actors/caf_error.hpp"
#include "actors/job_coordinator.hpp"
#include "tests/actors/job_fixture.hpp"

#include <caf/actor_system.hpp>
#include <caf/scoped_actor.hpp>

#include <mutex>

using namespace vs;
using namespace vs::test;

namespace {

struct observed {
  std::mutex mutex;
  std::vector<jobs::job_snapshot> changes;
};

actors::job_observer_actor::behavior_type recorder(actors::job_observer_actor::pointer,
                                                   std::shared_ptr<observed> log) {
  return {
    [=](atom::state, const jobs::job_snapshot& snapshot) {
      std::lock_guard<std::mutex> guard(log->mutex);
      log->changes.push_back(snapshot);
    },
  };
}

} // namespace

TEST_CASE("an observer sees every state change of a job submitted with an external id", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  auto coordinator = actors::coordinator_of(*fixture.system);
  auto& sys = actors::actor_system_of(*fixture.system);
  auto log = std::make_shared<observed>();
  auto observer = sys.spawn(recorder, log);
  caf::anon_send(coordinator, atom::observe_v, observer);

  caf::scoped_actor self{sys};
  std::string id;
  self->request(coordinator, std::chrono::seconds(5), atom::submit_v,
                actors::job_submission{inputs.spec(), "redis", "4841187f", "fence-7"})
    .receive([&](std::string& answer) { id = answer; }, [&](caf::error& failure) { FAIL(caf::to_string(failure)); });
  CHECK(id == "4841187f");

  // The same task pushed twice while it is still pending is refused.
  self->request(coordinator, std::chrono::seconds(5), atom::submit_v,
                actors::job_submission{inputs.spec(), "redis", "4841187f", {}})
    .receive([&](std::string&) { FAIL("a duplicate was accepted"); },
             [&](caf::error& failure) { CHECK(actors::from_caf(failure).code == errc::conflict); });

  auto done = fixture.wait_for(id);
  REQUIRE(done.state == jobs::job_state::success);
  CHECK(done.source == "redis");
  CHECK(done.result->video_path == (fixture.video_folder() / "4841187f.mp4").string());

  // Observers are told asynchronously: wait for the final change to arrive.
  auto final_change_seen = [&] {
    std::lock_guard<std::mutex> guard(log->mutex);
    return !log->changes.empty() && jobs::is_final(log->changes.back().state);
  };
  for (auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !final_change_seen() && std::chrono::steady_clock::now() < deadline;)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  std::lock_guard<std::mutex> guard(log->mutex);
  REQUIRE(log->changes.size() >= 3);
  CHECK(log->changes.front().state == jobs::job_state::queued);
  CHECK(log->changes.back().state == jobs::job_state::success);
  CHECK(log->changes.back().progress == 1.0);
  bool saw_processing = false;
  for (const auto& change : log->changes) {
    CHECK(change.id == "4841187f");
    CHECK(change.tag == "fence-7");
    saw_processing = saw_processing || change.state == jobs::job_state::processing;
  }
  CHECK(saw_processing);
  caf::anon_send_exit(observer, caf::exit_reason::user_shutdown);
}

TEST_CASE("external ids that are not safe file names are refused", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  auto coordinator = actors::coordinator_of(*fixture.system);
  caf::scoped_actor self{actors::actor_system_of(*fixture.system)};
  self->request(coordinator, std::chrono::seconds(5), atom::submit_v,
                actors::job_submission{inputs.spec(), "redis", "../../etc", {}})
    .receive([&](std::string&) { FAIL("an unsafe id was accepted"); },
             [&](caf::error& failure) {
               auto cause = actors::from_caf(failure);
               CHECK(cause.code == errc::invalid_argument);
               CHECK(cause.field == "id");
             });
}
