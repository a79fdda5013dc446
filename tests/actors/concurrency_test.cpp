// Admission control: the running limit, FIFO order of the queue, and the
// pipeline's memory bound (frames in flight per job, buffers overall).

#include "tests/actors/job_fixture.hpp"
#include "tests/support/mp4_probe.hpp"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <thread>

using namespace vs;
using namespace vs::test;

TEST_CASE("six jobs submitted at once all succeed and at most the limit run", "[actors]") {
  job_inputs inputs(2.0);
  job_system_fixture fixture(2);
  std::vector<std::string> ids;
  for (int i = 0; i < 6; ++i) {
    auto spec = inputs.spec();
    spec.seed = static_cast<uint64_t>(i);
    auto id = fixture.jobs().submit(spec);
    REQUIRE(id);
    ids.push_back(*id);
  }

  std::atomic<bool> done{false};
  int max_running = 0;
  int max_queued = 0;
  std::thread sampler([&] {
    while (!done.load()) {
      auto stats = fixture.jobs().stats();
      max_running = std::max(max_running, stats.running);
      max_queued = std::max(max_queued, stats.queued);
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  std::vector<jobs::job_snapshot> finished;
  for (const auto& id : ids)
    finished.push_back(fixture.wait_for(id));
  done = true;
  sampler.join();

  CHECK(max_running <= 2);
  CHECK(max_running == 2);
  CHECK(max_queued >= 1);
  int64_t frames = 0;
  for (const auto& job : finished) {
    INFO(job.id << ": " << (job.failure ? job.failure->message : std::string()));
    REQUIRE(job.state == jobs::job_state::success);
    auto info = probe_mp4(job.result->video_path);
    CHECK(info.video.codec == "h264");
    CHECK(info.video.width == 320);
    CHECK(info.video.height == 180);
    CHECK(info.video.frame_count == job.frames_total);
    CHECK(info.audio.codec == "aac");
    CHECK(std::abs(info.video.duration - 2.0) <= 1.0 / 12 + 1e-6);
    frames += job.frames_total;
  }
  auto stats = fixture.jobs().stats();
  CHECK(stats.running == 0);
  CHECK(stats.queued == 0);
  CHECK(stats.max_concurrent == 2);
  CHECK(stats.jobs_by_state["success"] == 6);
  CHECK(stats.jobs_by_state["queued"] == 0);
  CHECK(stats.jobs_by_state["processing"] == 0);
  CHECK(stats.frames_rendered == frames);
  CHECK(stats.render_fps > 0);
  CHECK(stats.duration_count == 6);
  CHECK(stats.duration_bucket_counts.size() == stats.duration_buckets.size());
  CHECK(stats.duration_bucket_counts.back() == 6);
  CHECK(fixture.partial_files().empty());
  // Newest first.
  auto recent = fixture.jobs().recent(4);
  REQUIRE(recent.size() == 4);
  CHECK(recent.front().id == ids.back());
  CHECK(recent.back().id == ids[2]);
}

TEST_CASE("queued jobs start in submission order", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(1);
  std::vector<std::string> ids;
  for (int i = 0; i < 4; ++i) {
    auto id = fixture.jobs().submit(inputs.spec());
    REQUIRE(id);
    ids.push_back(*id);
  }
  std::vector<jobs::job_snapshot> jobs;
  for (const auto& id : ids)
    jobs.push_back(fixture.wait_for(id));
  for (size_t i = 0; i < jobs.size(); ++i) {
    INFO("job " << i);
    REQUIRE(jobs[i].state == jobs::job_state::success);
    if (i > 0) {
      // One at a time, in order: each starts once the one before has ended.
      CHECK(jobs[i].started_at_ms >= jobs[i - 1].finished_at_ms);
      CHECK(jobs[i].created_at_ms >= jobs[i - 1].created_at_ms);
    }
  }
}

TEST_CASE("frames in flight stay within the credits and buffers are returned", "[actors]") {
  job_inputs inputs(2.0);
  const int credits = 3;
  job_system_fixture fixture(2, credits);
  std::vector<std::string> ids;
  // Many queued jobs: memory must not grow with the queue.
  for (int i = 0; i < 8; ++i) {
    auto id = fixture.jobs().submit(inputs.spec());
    REQUIRE(id);
    ids.push_back(*id);
  }
  for (const auto& id : ids)
    CHECK(fixture.wait_for(id).state == jobs::job_state::success);
  const auto& counters = fixture.system->counters();
  CHECK(counters.peak_job_frames_in_flight.load() <= credits);
  CHECK(counters.peak_job_frames_in_flight.load() >= 1);
  // At most two jobs run, each with at most `credits` buffers.
  CHECK(counters.peak_frame_buffers.load() <= 2 * credits);
  // Three slides, but a job holds at most the ones on screen and the next.
  CHECK(counters.peak_resident_slides.load() <= 2 * 3);
  // Everything handed back once the jobs are over.
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
  while (counters.frame_buffers.load() != 0 && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  CHECK(counters.frame_buffers.load() == 0);
  CHECK(counters.resident_slides.load() == 0);
}
