// Several workers on one Redis: scale-out, crashes, stalls, poison tasks,
// Redis restarts and shutdown. Every check reads Redis as the other
// services would.
#include "tests/support/mp4_probe.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace vs::test;

TEST_CASE("two workers share twelve tasks and render each exactly once", "[worker][redis][scale]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("s", 1.0);
  std::vector<std::string> ids;
  for (int i = 0; i < 12; ++i) {
    ids.push_back("task" + std::to_string(i));
    pipeline.video_task(ids.back(), "s-voice", slides);
  }
  // Leases long enough that a worker starved of CPU for a second on a
  // loaded machine is not taken for dead (reaping has its own tests).
  auto first = pipeline.start_worker("w1", {{"WORKER_LEASE_SECONDS", "5"}});
  auto second = pipeline.start_worker("w2", {{"WORKER_LEASE_SECONDS", "5"}});
  for (const auto& id : ids)
    pipeline.push(id);

  std::map<std::string, int> per_worker;
  for (const auto& id : ids) {
    REQUIRE(pipeline.status_becomes(id, "success", std::chrono::seconds(90)));
    CHECK(pipeline.field(id, "attempts") == "1");
    CHECK(pipeline.field(id + "-upload", "queue") == "0");
    ++per_worker[pipeline.field(id, "worker")];
    probe_mp4(pipeline.field(id, "result_ref"));
  }
  CHECK(pipeline.redis.cli({"LLEN", "queue:upload-service"}) == "12");
  CHECK(per_worker["w1"] + per_worker["w2"] == 12);
  CHECK(per_worker["w1"] > 0);
  CHECK(per_worker["w2"] > 0);
}

TEST_CASE("a worker killed mid-render loses nothing: the survivor finishes the task once", "[worker][redis][crash]") {
  pipeline_fixture pipeline;
  auto doomed = pipeline.worker_rendering("victim", "doomed", 6.0);
  REQUIRE(pipeline.is_processing_by("victim", "doomed"));
  auto survivor = pipeline.start_worker("survivor");
  doomed->signal(SIGKILL);

  REQUIRE(pipeline.status_becomes("victim", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("victim", "worker") == "survivor");
  CHECK(pipeline.field("victim", "attempts") == "2");
  CHECK(pipeline.field("victim-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LLEN", "queue:upload-service"}) == "1");
  CHECK(pipeline.redis.cli({"EXISTS", "video-service:processing:doomed"}) == "0");
  auto info = probe_mp4(pipeline.field("victim", "result_ref"));
  CHECK(info.video.duration == Approx(6.0).margin(1.0 / 24));
  CHECK(survivor->log().find("reaper: task victim of a dead worker went back on the queue") != std::string::npos);
}

TEST_CASE("a stalled worker that resumes after losing its lease changes nothing", "[worker][redis][fencing]") {
  pipeline_fixture pipeline;
  auto paused = pipeline.worker_rendering("stalled", "paused", 4.0);
  REQUIRE(pipeline.is_processing_by("stalled", "paused"));
  paused->signal(SIGSTOP);
  auto other = pipeline.start_worker("other");

  REQUIRE(pipeline.status_becomes("stalled", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("stalled", "worker") == "other");
  std::string fence = pipeline.field("stalled", "fence");
  std::string result = pipeline.field("stalled", "result_ref");
  std::string finished = pipeline.field("stalled", "finished_at");

  paused->signal(SIGCONT);
  // Give the resumed worker time to notice (progress write refused) or to finish its render.
  REQUIRE(pipeline.eventually([&] { return paused->log().find("lease lost") != std::string::npos; },
                              std::chrono::seconds(60)));
  std::this_thread::sleep_for(std::chrono::seconds(2));
  CHECK(pipeline.field("stalled", "status") == "success");
  CHECK(pipeline.field("stalled", "fence") == fence);
  CHECK(pipeline.field("stalled", "result_ref") == result);
  CHECK(pipeline.field("stalled", "finished_at") == finished);
  CHECK(pipeline.field("stalled-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LLEN", "queue:upload-service"}) == "1");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:other"}) == "0");
  probe_mp4(result);
  CHECK(paused->running());
}

TEST_CASE("a task that kills every worker that claims it ends on the dead queue", "[worker][redis][poison]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("x", 6.0);
  pipeline.video_task("poison", "x-voice", slides, slow_params);
  pipeline.push("poison");
  const std::map<std::string, std::string> two_attempts{{"MAX_ATTEMPTS", "2"}};
  for (int attempt = 1; attempt <= 2; ++attempt) {
    std::string name = "victim" + std::to_string(attempt);
    auto worker = pipeline.start_worker(name, two_attempts);
    REQUIRE(pipeline.eventually([&] { return pipeline.is_processing_by("poison", name); }));
    worker->signal(SIGKILL);
    worker->wait(std::chrono::seconds(10));
  }
  auto survivor = pipeline.start_worker("survivor", two_attempts);
  REQUIRE(pipeline.status_becomes("poison", "failed", std::chrono::seconds(30)));
  CHECK(pipeline.field("poison", "error").find("gave up after 2 attempts") == 0);
  CHECK(pipeline.redis.cli({"LRANGE", "queue:video-service:dead", "0", "-1"}) == "poison");
  CHECK(pipeline.field("poison-upload", "queue") == "1");

  auto next = pipeline.upstream("n", 1.0);
  pipeline.video_task("healthy", "n-voice", next);
  pipeline.push("healthy");
  CHECK(pipeline.status_becomes("healthy", "success"));
}

TEST_CASE("a Redis restart mid-render does not lose the task", "[worker][redis][restart]") {
  pipeline_fixture pipeline(true);
  auto worker = pipeline.worker_rendering("survives", "w1", 5.0, {{"WORKER_LEASE_SECONDS", "5"}});
  REQUIRE(pipeline.is_processing_by("survives", "w1"));
  pipeline.redis.stop();
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  pipeline.redis.start();

  REQUIRE(pipeline.status_becomes("survives", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("survives", "attempts") == "1");
  CHECK(pipeline.field("survives-upload", "queue") == "0");
  probe_mp4(pipeline.field("survives", "result_ref"));
  CHECK(worker->running());
}

TEST_CASE("SIGTERM hands unfinished tasks back to the queue and leaves none processing", "[worker][redis][shutdown]") {
  pipeline_fixture pipeline;
  auto worker = pipeline.worker_rendering("interrupted", "w1", 6.0, {{"SHUTDOWN_GRACE_SECONDS", "0"}});
  REQUIRE(pipeline.is_processing_by("interrupted", "w1"));

  worker->signal(SIGTERM);
  REQUIRE(worker->wait(std::chrono::seconds(20)) == 0);
  CHECK(pipeline.field("interrupted", "status") == "queued");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "interrupted");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(pipeline.redis.cli({"SISMEMBER", "video-service:workers", "w1"}) == "0");
  CHECK(!std::filesystem::exists(pipeline.output_dir() + "/video/interrupted.mp4"));

  // The next worker picks it up and finishes it.
  auto next = pipeline.start_worker("w2");
  REQUIRE(pipeline.status_becomes("interrupted", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("interrupted", "attempts") == "1");
}
