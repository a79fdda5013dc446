// Hostile queue entries and task hashes against a real worker process: none
// may stall the worker, make it read files outside its roots, or slow the
// queue down.
#include "tests/support/mp4_probe.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <iostream>

using namespace vs::test;

namespace {

/// The "redis" entry of GET /health, or "" while the worker does not answer.
std::string redis_state(int port) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(5, 0);
  auto response = client.Get("/health");
  if (!response || response->status != 200)
    return "";
  return nlohmann::json::parse(response->body).value("redis", "");
}

} // namespace

TEST_CASE("a queue entry that is no task hash or has a malformed attempts count does not stall the worker",
          "[worker][redis][hostile]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("q", 1.0);
  pipeline.redis.cli({"SET", "task:p", "x"});
  pipeline.video_task("bad-attempts", "q-voice", slides);
  pipeline.hset("bad-attempts", {{"attempts", "abc"}});
  pipeline.video_task("bad-count", "q-voice", slides);
  pipeline.hset("bad-count", {{"queue", "none"}});
  pipeline.redis.cli({"SET", "task:str-slide", "x"});
  pipeline.video_task("bad-slide", "q-voice", {slides[0], "str-slide"});
  pipeline.video_task("good", "q-voice", slides);
  for (const char* id : {"p", "bad-attempts", "bad-count", "bad-slide", "good"})
    pipeline.push(id);
  int port = free_port();
  auto worker = pipeline.start_worker("w1", {{"VIDEO_SERVICE_PORT", std::to_string(port)}});

  REQUIRE(pipeline.status_becomes("good", "success", std::chrono::seconds(30)));
  CHECK(pipeline.field("bad-attempts", "status") == "failed");
  CHECK(pipeline.field("bad-attempts", "error") == "task bad-attempts: attempts 'abc' is not an integer");
  CHECK(pipeline.field("bad-count", "status") == "failed");
  CHECK(pipeline.field("bad-count", "error") == "task bad-count: queue 'none' is not an integer");
  CHECK(pipeline.field("bad-slide", "status") == "failed");
  CHECK(pipeline.field("bad-slide", "error") == "dependency str-slide: task:str-slide is a string, not a hash");
  CHECK(pipeline.redis.cli({"GET", "task:p"}) == "x");
  CHECK(pipeline.redis.cli({"LRANGE", "queue:video-service:dead", "0", "-1"}) == "bad-count\nbad-attempts\np");
  // Only bad-slide and good were claimed: nothing was counted before the checks passed.
  CHECK(pipeline.redis.cli({"GET", "video-service:fence"}) == "2");
  CHECK(pipeline.field("good", "attempts") == "1");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(pipeline.redis.cli({"LLEN", "queue:video-service"}) == "0");
  CHECK(pipeline.eventually([&] { return redis_state(port) == "up"; }, std::chrono::seconds(10)));
  auto log = worker->log();
  CHECK(log.find("rejected task p: task:p is a string, not a hash") != std::string::npos);
  CHECK(log.find("retrying") == std::string::npos);
  CHECK(worker->running());
}

TEST_CASE("input paths from Redis outside the media roots fail the task naming the path and the roots",
          "[worker][redis][hostile][roots]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("r", 1.0);
  std::string out = pipeline.output_dir();
  std::filesystem::create_directories(pipeline.dir.path() / "elsewhere");
  std::string outside_audio = pipeline.dir.file("elsewhere/audio.mp3");
  write_test_audio(outside_audio, 1.0);
  std::filesystem::create_symlink(outside_audio, out + "/voice/link.mp3");
  const std::string roots = "the allowed folders " + out + " (MEDIA_ROOTS, by default OUTPUT_DIR, and OUTPUT_DIR/voice, "
                            "OUTPUT_DIR/images)";

  const std::vector<std::pair<std::string, std::string>> voices{
    {"passwd", "/etc/passwd"}, {"outside", outside_audio}, {"symlink", "link.mp3"}, {"dotdot", "../../elsewhere/audio.mp3"}};
  for (const auto& [name, ref] : voices) {
    pipeline.hset(name + "-voice", {{"service", "voice-service"}, {"name", "CreateVoice"}, {"status", "success"},
                                    {"result_ref", ref}});
    pipeline.video_task(name, name + "-voice", slides);
  }
  pipeline.video_task("params", "", {}, R"({"fps":12,"resolution":"320x180","audio_path":")" + outside_audio +
                                          R"(","image_paths":["image_r0.png"]})");
  pipeline.video_task("good", "r-voice", slides);
  auto worker = pipeline.start_worker("w1");
  for (const char* id : {"passwd", "outside", "symlink", "dotdot", "params", "good"})
    pipeline.push(id);

  REQUIRE(pipeline.status_becomes("good", "success", std::chrono::seconds(30)));
  for (const auto& [name, ref] : voices) {
    INFO(name);
    CHECK(pipeline.field(name, "status") == "failed");
    CHECK(pipeline.field(name, "error") ==
          "dependency voice track " + name + "-voice: its result " + ref + " is outside " + roots);
    CHECK(!std::filesystem::exists(out + "/video/" + name + ".mp4"));
  }
  CHECK(pipeline.field("params", "status") == "failed");
  CHECK(pipeline.field("params", "error") == "task params: params.audio_path " + outside_audio + " is outside " + roots);
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
  CHECK(worker->running());
}

TEST_CASE("MEDIA_ROOTS widens where Redis inputs may come from", "[worker][redis][roots]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("m", 1.0);
  std::filesystem::create_directories(pipeline.dir.path() / "media");
  std::string audio = pipeline.dir.file("media/narration.mp3");
  write_test_audio(audio, 1.0);
  pipeline.hset("m-voice", {{"result_ref", audio}});
  pipeline.video_task("wide", "m-voice", slides);
  auto worker = pipeline.start_worker("w1", {{"MEDIA_ROOTS", pipeline.dir.file("media")}});
  pipeline.push("wide");
  REQUIRE(pipeline.status_becomes("wide", "success", std::chrono::seconds(30)));
  CHECK(probe_mp4(pipeline.field("wide", "result_ref")).audio.present);
}

TEST_CASE("a stream of fast-failing tasks drains quickly", "[worker][redis][hostile][throughput]") {
  pipeline_fixture pipeline;
  constexpr int count = 200;
  // Written in one script each: 200 redis-cli runs would take longer than the drain.
  pipeline.redis.cli({"EVAL",
                      "for i = 1, tonumber(ARGV[1]) do "
                      "  redis.call('HSET', 'task:bad' .. i, 'service', 'video-service', 'name', 'MakeCoffee', "
                      "             'status', 'queued', 'queue', '0') "
                      "end",
                      "0", std::to_string(count)});
  int port = free_port();
  auto worker = pipeline.start_worker("w1", {{"VIDEO_SERVICE_PORT", std::to_string(port)}});
  REQUIRE(pipeline.eventually([&] { return redis_state(port) == "up"; }, std::chrono::seconds(20)));

  auto start = std::chrono::steady_clock::now();
  pipeline.redis.cli({"EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('LPUSH', KEYS[1], 'bad' .. i) end", "1",
                      "queue:video-service", std::to_string(count)});
  REQUIRE(pipeline.status_becomes("bad" + std::to_string(count), "failed", std::chrono::seconds(30)));
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << count << " fast-failing tasks drained in " << seconds << " s\n";
  // 40 s before (one task per 200 ms poll); about 1 s idle now, and 200
  // claims in another process beside a loaded CI run can take a few more.
  CHECK(seconds < 15.0);
  for (int i = 1; i <= count; ++i)
    REQUIRE(pipeline.field("bad" + std::to_string(i), "status") == "failed");
  CHECK(pipeline.field("bad100", "error") ==
        "task bad100: unknown task name 'MakeCoffee' (expected CreateVideo, GenerateVideo or CreateVideoFromSlides)");
  CHECK(pipeline.redis.cli({"LLEN", "video-service:processing:w1"}) == "0");
}
