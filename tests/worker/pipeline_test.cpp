// The PROTOCOL.md scenario against one real worker process.
#include "tests/support/mp4_probe.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

#include <csignal>

using namespace vs::test;

TEST_CASE("a video task written as the processing service writes it renders and triggers its consumer",
          "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("a", 2.0, 3);
  pipeline.video_task("4841187f", "a-voice", slides);
  auto worker = pipeline.start_worker("w1");
  pipeline.push("4841187f");

  REQUIRE(pipeline.status_becomes("4841187f", "success"));
  std::string video = pipeline.field("4841187f", "result_ref");
  CHECK(video == pipeline.output_dir() + "/video/4841187f.mp4");
  auto info = probe_mp4(video);
  CHECK(info.video.codec == "h264");
  CHECK(info.video.width == 320);
  CHECK(info.video.height == 180);
  CHECK(info.video.fps == Approx(12));
  CHECK(info.audio.present);
  CHECK(info.audio.codec == "aac");
  CHECK(info.video.duration == Approx(2.0).margin(1.0 / 12));
  CHECK(pipeline.field("4841187f", "progress") == "100");
  CHECK(std::stod(pipeline.field("4841187f", "duration")) == Approx(info.video.duration).margin(0.1));
  CHECK(std::stoll(pipeline.field("4841187f", "file_size")) == static_cast<long long>(std::filesystem::file_size(video)));
  CHECK(pipeline.field("4841187f", "worker") == "w1");
  CHECK(pipeline.field("4841187f", "custom_field") == "kept");
  CHECK(!pipeline.field("4841187f", "finished_at").empty());
  // PROTOCOL.md step 4: the consumer's queue count drops to 0 and it is pushed onto its service's queue.
  CHECK(pipeline.field("4841187f-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:upload-service", "0", "-1"}) == "4841187f-upload");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  // No temporary file left beside the result.
  for (const auto& entry : std::filesystem::directory_iterator(pipeline.output_dir() + "/video"))
    CHECK(entry.path().filename().string().rfind(".", 0) != 0);

  worker->signal(SIGTERM);
  CHECK(worker->wait(std::chrono::seconds(20)) == 0);
  // A clean exit retires the worker.
  CHECK(pipeline.redis.cli({"SISMEMBER", "video-service:workers", "w1"}) == "0");
}

TEST_CASE("a video task that arrives before its slides waits for them", "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("b", 1.5);
  pipeline.hset(slides[1], {{"status", "processing"}});
  pipeline.video_task("early", "b-voice", slides);
  auto worker = pipeline.start_worker("w1");
  pipeline.push("early");

  REQUIRE(pipeline.status_becomes("early", "processing"));
  std::this_thread::sleep_for(std::chrono::milliseconds(1500));
  CHECK(pipeline.field("early", "status") == "processing");
  CHECK(!std::filesystem::exists(pipeline.output_dir() + "/video/early.mp4"));

  pipeline.hset(slides[1], {{"status", "success"}});
  REQUIRE(pipeline.status_becomes("early", "success", std::chrono::seconds(30)));
  CHECK(std::filesystem::exists(pipeline.output_dir() + "/video/early.mp4"));
}

TEST_CASE("an upstream failure or a missing result fails the task naming the dependency", "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("c", 1.0);
  pipeline.hset(slides[0], {{"status", "failed"}, {"error", "model overloaded"}});
  pipeline.video_task("upstream-failed", "c-voice", slides);
  auto other = pipeline.upstream("d", 1.0);
  pipeline.hset(other[1], {{"result_ref", "deleted.png"}});
  pipeline.video_task("file-missing", "d-voice", other);
  auto worker = pipeline.start_worker("w1");
  pipeline.push("upstream-failed");
  pipeline.push("file-missing");

  REQUIRE(pipeline.status_becomes("upstream-failed", "failed"));
  CHECK(pipeline.field("upstream-failed", "error") == "dependency slide c-slide0 failed: model overloaded");
  REQUIRE(pipeline.status_becomes("file-missing", "failed"));
  CHECK(pipeline.field("file-missing", "error") == "dependency slide d-slide1: its result deleted.png does not exist");
  // Failures do not trigger consumers.
  CHECK(pipeline.field("upstream-failed-upload", "queue") == "1");
  CHECK(pipeline.redis.cli({"LLEN", "queue:upload-service"}) == "0");
  CHECK(!std::filesystem::exists(pipeline.output_dir() + "/video/upstream-failed.mp4"));
}

TEST_CASE("a task pushed twice renders once", "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("e", 1.0);
  pipeline.video_task("twice", "e-voice", slides);
  pipeline.push("twice");
  pipeline.push("twice");
  auto worker = pipeline.start_worker("w1");

  REQUIRE(pipeline.status_becomes("twice", "success"));
  // The second pop is skipped once the worker logs it.
  REQUIRE(pipeline.eventually(
      [&] { return worker->log().find("skipped task twice: its status is success") != std::string::npos; }));
  CHECK(pipeline.redis.cli({"LLEN", "queue:video-service"}) == "0");
  CHECK(pipeline.field("twice", "attempts") == "1");
  CHECK(pipeline.field("twice-upload", "queue") == "0");
  CHECK(pipeline.redis.cli({"LLEN", "queue:upload-service"}) == "1");
}

TEST_CASE("bad tasks fail with a clear error and the worker goes on", "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("f", 1.0);
  pipeline.video_task("bad-name", "f-voice", slides);
  pipeline.hset("bad-name", {{"name", "MakeCoffee"}});
  pipeline.video_task("bad-params", "f-voice", slides, "{fps: 30");
  pipeline.video_task("bad-fps", "f-voice", slides, R"({"fps": -5})");
  pipeline.video_task("good", "f-voice", slides);
  auto worker = pipeline.start_worker("w1");
  for (const char* id : {"bad-name", "bad-params", "bad-fps", "good"})
    pipeline.push(id);

  REQUIRE(pipeline.status_becomes("good", "success"));
  CHECK(pipeline.field("bad-name", "status") == "failed");
  CHECK(pipeline.field("bad-name", "error").find("unknown task name 'MakeCoffee'") != std::string::npos);
  CHECK(pipeline.field("bad-params", "status") == "failed");
  CHECK(pipeline.field("bad-params", "error").find("params is not a JSON object") != std::string::npos);
  CHECK(pipeline.field("bad-fps", "status") == "failed");
  CHECK(pipeline.field("bad-fps", "error").find("fps") != std::string::npos);
  CHECK(worker->running());
}

TEST_CASE("a task whose dependencies never finish fails after DEPENDENCY_TIMEOUT", "[worker][redis]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("g", 1.0);
  pipeline.hset(slides[0], {{"status", "processing"}});
  pipeline.video_task("stuck", "g-voice", slides);
  auto worker = pipeline.start_worker("w1", {{"DEPENDENCY_TIMEOUT", "1"}});
  pipeline.push("stuck");
  REQUIRE(pipeline.status_becomes("stuck", "failed", std::chrono::seconds(20)));
  CHECK(pipeline.field("stuck", "error") == "still waiting for slide g-slide0 (processing) after 1 s");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
}

TEST_CASE("SIGTERM hands a task that waits for its dependencies back to the queue", "[worker][redis][shutdown]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("h", 1.0);
  pipeline.hset(slides[1], {{"status", "processing"}});
  pipeline.video_task("waiting", "h-voice", slides);
  auto worker = pipeline.start_worker("w1");
  pipeline.push("waiting");
  REQUIRE(pipeline.status_becomes("waiting", "processing"));
  REQUIRE(pipeline.eventually([&] { return worker->log().find("task waiting waits for") != std::string::npos; }));
  worker->signal(SIGTERM);
  REQUIRE(worker->wait(std::chrono::seconds(20)) == 0);
  CHECK(pipeline.field("waiting", "status") == "queued");
  CHECK(pipeline.field("waiting", "attempts") == "0");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "waiting");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
}
