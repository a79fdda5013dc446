// Redis answering with errors instead of results (BUSY, refused commands)
// while a real worker writes a task's final state.
#include "tests/support/mp4_probe.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace vs::test;

TEST_CASE("a BUSY Redis while the success is written delays the completion but never loses it",
          "[worker][redis][faults]") {
  pipeline_fixture pipeline;
  // The lease outlasts the BUSY episode: this is about the write, not the reaper.
  auto worker = pipeline.worker_rendering("busy", "w1", 3.0, {{"WORKER_LEASE_SECONDS", "60"}});
  REQUIRE(pipeline.is_processing_by("busy", "w1"));

  pipeline.redis.begin_busy();
  REQUIRE(pipeline.eventually([&] { return worker->log().find("task busy: writing success failed") != std::string::npos; },
                              std::chrono::seconds(120)));
  CHECK(worker->log().find("BUSY") != std::string::npos);
  std::this_thread::sleep_for(std::chrono::seconds(1));  // a few more retries meet BUSY
  pipeline.redis.end_busy();

  REQUIRE(pipeline.status_becomes("busy", "success", std::chrono::seconds(20)));
  CHECK(pipeline.field("busy", "result_ref") == pipeline.output_dir() + "/video/busy.mp4");
  probe_mp4(pipeline.field("busy", "result_ref"));
  CHECK(pipeline.field("busy", "attempts") == "1");
  CHECK(pipeline.field("busy-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:upload-service", "0", "-1"}) == "busy-upload");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(worker->log().find("task busy: success recorded after") != std::string::npos);
  CHECK(worker->running());
}

TEST_CASE("a pop whose answer is lost to a timeout is still claimed and rendered", "[worker][redis][faults]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("l", 1.0);
  pipeline.video_task("lost-pop", "l-voice", slides);
  // A long lease: the worker's own reaper must not be what frees the id.
  auto worker = pipeline.start_worker("w1", {{"WORKER_LEASE_SECONDS", "60"}});
  // The intake is blocked in BLMOVE.
  REQUIRE(pipeline.eventually(
    [&] { return pipeline.redis.cli({"CLIENT", "LIST"}).find("cmd=blmove") != std::string::npos; }));
  // The push wakes the worker's BLMOVE, but Redis sleeps before it serves it:
  // the id moves into w1's list after the worker gave the call up (reply
  // timeout: 1 s block + 5 s), so the answer naming it is lost.
  auto output = capture_command("(printf 'MULTI\\nLPUSH queue:video-service lost-pop\\nDEBUG SLEEP 7.5\\nEXEC\\n' | "
                                "redis-cli -p " + std::to_string(pipeline.redis.port()) + ")");
  REQUIRE(output.out.find("QUEUED") != std::string::npos);
  REQUIRE(pipeline.status_becomes("lost-pop", "success", std::chrono::seconds(60)));
  CHECK(pipeline.field("lost-pop", "attempts") == "1");
  CHECK(pipeline.field("lost-pop-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(worker->log().find("claimed task lost-pop (attempt 1, fence 1, resumed from this worker's list)") != std::string::npos);
}

TEST_CASE("a final write Redis refuses for good leaves no task held by a live worker", "[worker][redis][faults]") {
  pipeline_fixture pipeline;
  auto worker = pipeline.worker_rendering("refused", "w1", 3.0, {{"WORKER_LEASE_SECONDS", "60"}});
  REQUIRE(pipeline.is_processing_by("refused", "w1"));
  // An operator tightens the ACL: no more scripts for this user.
  pipeline.redis.cli({"ACL", "SETUSER", "default", "-evalsha"});
  REQUIRE(pipeline.eventually([&] { return pipeline.redis.cli({"LRANGE", "queue:video-service:dead", "0", "-1"}) == "refused"; },
                              std::chrono::seconds(120)));
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  auto log = worker->log();
  CHECK(log.find("task refused: writing success failed for good: script complete: Redis EVALSHA: NOPERM") !=
        std::string::npos);
  CHECK(log.find("task refused: writing failure failed for good") != std::string::npos);
  CHECK(log.find("task refused: parked on queue:video-service:dead") != std::string::npos);
  CHECK(std::filesystem::exists(pipeline.output_dir() + "/video/refused.mp4"));

  // Scripts allowed again: the worker goes on with the next task.
  pipeline.redis.cli({"ACL", "SETUSER", "default", "+@all"});
  pipeline.video_task("next", "refused-voice", {"refused-slide0", "refused-slide1"});
  pipeline.push("next");
  CHECK(pipeline.status_becomes("next", "success", std::chrono::seconds(60)));
  CHECK(worker->running());
}

TEST_CASE("a worker restarted with the same id takes back what its earlier run left", "[worker][redis][faults]") {
  pipeline_fixture pipeline;
  auto first = pipeline.worker_rendering("orphan", "w1", 3.0, {{"WORKER_LEASE_SECONDS", "60"}});
  REQUIRE(pipeline.is_processing_by("orphan", "w1"));
  first->signal(SIGKILL);
  first->wait(std::chrono::seconds(10));
  // Same id (a container restarted keeps its host name and pid 1), within
  // the lease: the heartbeat never lapses, so no reaper would free the task.
  auto second = pipeline.start_worker("w1", {{"WORKER_LEASE_SECONDS", "60"}});
  REQUIRE(pipeline.status_becomes("orphan", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("orphan", "attempts") == "2");
  CHECK(pipeline.field("orphan-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(second->log().find("task orphan left by an earlier run of worker w1: requeued") != std::string::npos);
}

TEST_CASE("a completion Redis loses in a restart is made again, and the consumer triggered once",
          "[worker][redis][faults]") {
  pipeline_fixture pipeline;  // no AOF: a restart loads the last SAVE
  auto worker = pipeline.worker_rendering("forgotten", "w1", 3.0, {{"WORKER_LEASE_SECONDS", "60"}});
  REQUIRE(pipeline.is_processing_by("forgotten", "w1"));
  REQUIRE(pipeline.redis.cli({"SAVE"}) == "OK");
  REQUIRE(pipeline.status_becomes("forgotten", "success", std::chrono::seconds(120)));
  REQUIRE(pipeline.field("forgotten-upload", "queue") == "0");
  // A crash that loses the writes since the snapshot: the task is processing
  // again, its id back in w1's list, its consumer untriggered.
  pipeline.redis.stop();
  pipeline.redis.start();
  REQUIRE(pipeline.field("forgotten", "status") == "processing");
  REQUIRE(pipeline.redis.cli({"LRANGE", "video-service:processing:w1", "0", "-1"}) == "forgotten");

  REQUIRE(pipeline.status_becomes("forgotten", "success", std::chrono::seconds(120)));
  CHECK(pipeline.field("forgotten", "attempts") == "1");
  CHECK(pipeline.field("forgotten-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:upload-service", "0", "-1"}) == "forgotten-upload");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(worker->log().find("claimed task forgotten (attempt 1, fence 1, resumed from this worker's list)") != std::string::npos);
}
