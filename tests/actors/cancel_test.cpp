// Cancelling queued and running jobs: state, timing, and no files left.

#include "tests/actors/job_fixture.hpp"

#include <filesystem>

using namespace vs;
using namespace vs::test;

namespace {

/// A job that takes a few seconds: big frames, slow preset.
media::render_spec slow_spec(const job_inputs& inputs) {
  auto spec = inputs.spec();
  spec.width = 1280;
  spec.height = 720;
  spec.fps = 24;
  spec.preset = "medium";
  spec.encoder_threads = 0;
  return spec;
}

} // namespace

TEST_CASE("a queued job is cancelled at once and never runs", "[actors]") {
  job_inputs inputs(4.0);
  job_system_fixture fixture(1);
  auto running = fixture.jobs().submit(slow_spec(inputs));
  auto queued = fixture.jobs().submit(inputs.spec());
  REQUIRE(running);
  REQUIRE(queued);
  CHECK(fixture.jobs().find(*queued)->state == jobs::job_state::queued);

  auto cancelled = fixture.jobs().cancel(*queued);
  CHECK(cancelled);
  auto snapshot = fixture.jobs().find(*queued);
  REQUIRE(snapshot);
  CHECK(snapshot->state == jobs::job_state::cancelled);
  REQUIRE(snapshot->failure);
  CHECK(snapshot->failure->code == errc::cancelled);
  CHECK(snapshot->started_at_ms == 0);
  CHECK(fixture.jobs().stats().queued == 0);

  // Cancelling twice, or a job that does not exist.
  auto again = fixture.jobs().cancel(*queued);
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::conflict);
  CHECK(again.error().message == "job " + *queued + " already ended (cancelled)");
  auto unknown = fixture.jobs().cancel("nosuchjob");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == errc::not_found);
  CHECK(unknown.error().message == "no job with id nosuchjob");

  REQUIRE(fixture.jobs().cancel(*running));
  CHECK(fixture.wait_for(*running).state == jobs::job_state::cancelled);
  CHECK_FALSE(std::filesystem::exists(fixture.video_folder() / (*queued + ".mp4")));
}

TEST_CASE("a running job stops promptly and leaves no files", "[actors]") {
  job_inputs inputs(6.0);
  job_system_fixture fixture(2);
  auto id = fixture.jobs().submit(slow_spec(inputs));
  auto other = fixture.jobs().submit(inputs.spec());
  REQUIRE(id);
  REQUIRE(other);
  // Wait until it is really rendering: some frames encoded.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  jobs::job_snapshot seen;
  do {
    seen = *fixture.jobs().find(*id);
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  } while (seen.frames_done < 5 && !jobs::is_final(seen.state) && std::chrono::steady_clock::now() < deadline);
  REQUIRE(seen.state == jobs::job_state::processing);
  REQUIRE(seen.frames_done < seen.frames_total);

  auto before = std::chrono::steady_clock::now();
  auto cancelled = fixture.jobs().cancel(*id);
  auto took = std::chrono::steady_clock::now() - before;
  REQUIRE(cancelled);
  // Idle, this takes a frame or two (well under a second); the bound leaves
  // room for x264 closing its threads on a loaded 2-core machine. That the
  // job stopped early is what frames_done below proves.
  CHECK(took < std::chrono::seconds(3));
  auto snapshot = *fixture.jobs().find(*id);
  CHECK(snapshot.state == jobs::job_state::cancelled);
  CHECK(snapshot.frames_done < snapshot.frames_total);
  CHECK_FALSE(std::filesystem::exists(fixture.video_folder() / (*id + ".mp4")));
  // (The other job may still be writing its own partial file.)
  CHECK(fixture.partial_files(*id).empty());

  // The other job is unaffected.
  CHECK(fixture.wait_for(*other).state == jobs::job_state::success);
  CHECK(fixture.partial_files().empty());
}

TEST_CASE("shutdown cancels queued jobs, lets running ones finish and refuses new ones", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  auto first = fixture.jobs().submit(inputs.spec());
  auto second = fixture.jobs().submit(inputs.spec());
  REQUIRE(first);
  REQUIRE(second);
  CHECK(fixture.system->shutdown(std::chrono::seconds(30)) == 1);
  CHECK(fixture.jobs().find(*first)->state == jobs::job_state::success);
  CHECK(fixture.jobs().find(*second)->state == jobs::job_state::cancelled);
  auto refused = fixture.jobs().submit(inputs.spec());
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::unavailable);
}

TEST_CASE("shutdown cancels running jobs once the grace period is over", "[actors]") {
  job_inputs inputs(6.0);
  job_system_fixture fixture(1);
  auto id = fixture.jobs().submit(slow_spec(inputs));
  REQUIRE(id);
  fixture.wait_state(*id, jobs::job_state::processing);
  auto before = std::chrono::steady_clock::now();
  CHECK(fixture.system->shutdown(std::chrono::milliseconds(200)) == 1);
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(4));
  CHECK(fixture.jobs().find(*id)->state == jobs::job_state::cancelled);
  CHECK(fixture.partial_files().empty());
}

TEST_CASE("only the newest finished jobs are kept", "[actors]") {
  job_inputs inputs(4.0);
  job_system_fixture fixture(1, 0, 2);
  auto running = fixture.jobs().submit(slow_spec(inputs));
  REQUIRE(running);
  std::vector<std::string> queued;
  for (int i = 0; i < 3; ++i) {
    auto id = fixture.jobs().submit(inputs.spec());
    REQUIRE(id);
    queued.push_back(*id);
  }
  for (const auto& id : queued)
    REQUIRE(fixture.jobs().cancel(id));
  // Three finished, two kept: the oldest finished one is forgotten; the
  // running one is never evicted.
  auto oldest = fixture.jobs().find(queued[0]);
  REQUIRE_FALSE(oldest);
  CHECK(oldest.error().code == errc::not_found);
  CHECK(fixture.jobs().find(queued[1]));
  CHECK(fixture.jobs().find(queued[2]));
  auto recent = fixture.jobs().recent(10);
  REQUIRE(recent.size() == 3);
  CHECK(recent[0].id == queued[2]);
  CHECK(recent[1].id == queued[1]);
  CHECK(recent[2].id == *running);
  // Counters remember every job ever admitted.
  CHECK(fixture.jobs().stats().jobs_by_state["cancelled"] == 3);
  REQUIRE(fixture.jobs().cancel(*running));
}
