#include "redis/dependency_check.hpp"
#include "redis/video_task.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace vs;
using namespace vs::redis;
using vs::test::temp_dir;

namespace {

field_map done(const std::string& ref) { return {{"status", "success"}, {"result_ref", ref}}; }

video_task task_with(std::string voice, std::vector<std::string> slides) {
  video_task task;
  task.id = "v1";
  task.name = "CreateVideoFromSlides";
  task.voice_track_id = std::move(voice);
  task.slide_ids = std::move(slides);
  return task;
}

} // namespace

TEST_CASE("all dependencies done gives the inputs in slide order", "[redis][deps]") {
  temp_dir dir;
  std::filesystem::create_directories(dir.path() / "images");
  std::filesystem::create_directories(dir.path() / "voice");
  vs::test::write_bytes(dir.file("voice/audio_1.mp3"), "x");
  vs::test::write_bytes(dir.file("images/image_b.png"), "x");
  vs::test::write_bytes(dir.file("images/image_a.png"), "x");
  auto task = task_with("voice", {"s2", "s1"});
  CHECK(dependency_ids(task) == std::vector<std::string>{"voice", "s2", "s1"});
  // Absolute refs, and bare file names resolved under images/ and voice/.
  std::map<std::string, std::optional<field_map>> hashes{
    {"voice", done("audio_1.mp3")}, {"s2", done(dir.file("images/image_b.png"))}, {"s1", done("image_a.png")}};
  auto verdict = check_dependencies(task, hashes, dir.path().string());
  REQUIRE(verdict.outcome == dependency_verdict::kind::ready);
  CHECK(verdict.inputs.audio_path == dir.file("voice/audio_1.mp3"));
  CHECK(verdict.inputs.image_paths ==
        std::vector<std::string>{dir.file("images/image_b.png"), dir.file("images/image_a.png")});
}

TEST_CASE("a dependency still running means wait", "[redis][deps]") {
  temp_dir dir;
  vs::test::write_bytes(dir.file("a.mp3"), "x");
  auto task = task_with("voice", {"s1"});
  std::map<std::string, std::optional<field_map>> hashes{{"voice", done(dir.file("a.mp3"))},
                                                         {"s1", field_map{{"status", "processing"}}}};
  auto verdict = check_dependencies(task, hashes, dir.path().string());
  CHECK(verdict.outcome == dependency_verdict::kind::waiting);
  CHECK(verdict.waiting_on == "slide s1 (processing)");
}

TEST_CASE("a failed, missing or resultless dependency fails the task naming it", "[redis][deps]") {
  temp_dir dir;
  vs::test::write_bytes(dir.file("a.mp3"), "x");
  auto task = task_with("voice", {"s1", "s2"});
  using hashes_t = std::map<std::string, std::optional<field_map>>;
  const std::vector<std::pair<hashes_t, std::string>> cases{
    {{{"voice", done(dir.file("a.mp3"))},
      {"s1", field_map{{"status", "pending"}}},
      {"s2", field_map{{"status", "failed"}, {"error", "GPU on fire"}}}},
     "dependency slide s2 failed: GPU on fire"},
    {{{"voice", std::nullopt}, {"s1", done(dir.file("a.mp3"))}, {"s2", done(dir.file("a.mp3"))}},
     "dependency voice track voice does not exist (no task:voice)"},
    {{{"voice", done(dir.file("a.mp3"))}, {"s1", done("gone.png")}, {"s2", done(dir.file("a.mp3"))}},
     "dependency slide s1: its result gone.png does not exist"},
    {{{"voice", field_map{{"status", "success"}}}, {"s1", done(dir.file("a.mp3"))}, {"s2", done(dir.file("a.mp3"))}},
     "dependency voice track voice succeeded without a result_ref"},
  };
  for (const auto& [hashes, message] : cases) {
    auto verdict = check_dependencies(task, hashes, dir.path().string());
    REQUIRE(verdict.outcome == dependency_verdict::kind::failed);
    CHECK(verdict.failure.code == errc::dependency_failed);
    CHECK(verdict.failure.message == message);
  }
}

TEST_CASE("without dependencies params name the inputs", "[redis][deps]") {
  auto task = task_with("", {});
  task.params = {{"audio_path", "/in/a.mp3"}, {"image_paths", {"/in/1.png", "/in/2.png"}}};
  auto verdict = check_dependencies(task, {}, "/out");
  REQUIRE(verdict.outcome == dependency_verdict::kind::ready);
  CHECK(verdict.inputs.audio_path == "/in/a.mp3");
  CHECK(verdict.inputs.image_paths == std::vector<std::string>{"/in/1.png", "/in/2.png"});

  task.params = nlohmann::json::object();
  auto nothing = check_dependencies(task, {}, "/out");
  REQUIRE(nothing.outcome == dependency_verdict::kind::failed);
  CHECK(nothing.failure.message == "task v1 has no slide_ids and params has no image_paths: nothing to show");
}

TEST_CASE("task hashes parse as PROTOCOL.md writes them", "[redis][task]") {
  auto task = parse_video_task("4841187f", {{"name", "CreateVideoFromSlides"},
                                            {"slide_ids", R"(["9db3d6da","29d7da22"])"},
                                            {"voice_track_id", "b9c70fa3"},
                                            {"params", R"({"fps":30})"},
                                            {"unknown", "ignored"}});
  REQUIRE(task);
  CHECK(task->slide_ids == std::vector<std::string>{"9db3d6da", "29d7da22"});
  CHECK(task->voice_track_id == "b9c70fa3");
  CHECK(task->params["fps"] == 30);
  // Empty or absent params and slide_ids are allowed.
  auto bare = parse_video_task("x", {{"name", "CreateVideo"}, {"params", ""}});
  REQUIRE(bare);
  CHECK(bare->params.is_object());
  CHECK(bare->slide_ids.empty());
}

TEST_CASE("bad task hashes are refused naming the field", "[redis][task]") {
  auto unknown = parse_video_task("x", {{"name", "MakeCoffee"}});
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().code == errc::invalid_argument);
  CHECK(unknown.error().message ==
        "task x: unknown task name 'MakeCoffee' (expected CreateVideo, GenerateVideo or CreateVideoFromSlides)");
  auto params = parse_video_task("x", {{"name", "CreateVideo"}, {"params", "{fps:"}});
  REQUIRE_FALSE(params);
  CHECK(params.error().code == errc::malformed_request);
  CHECK(params.error().field == "params");
  auto slides = parse_video_task("x", {{"name", "CreateVideo"}, {"slide_ids", "[1,2]"}});
  REQUIRE_FALSE(slides);
  CHECK(slides.error().field == "slide_ids");
}
