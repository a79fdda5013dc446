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

/// OUTPUT_DIR with a narration a.mp3 and pictures images/1.png, images/2.png.
struct params_inputs {
  temp_dir dir;
  input_roots roots{dir.path().string(), {}};
  params_inputs() {
    std::filesystem::create_directories(dir.path() / "images");
    for (const char* name : {"a.mp3", "images/1.png", "images/2.png"})
      vs::test::write_bytes(dir.file(name), "x");
  }
};

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
  auto verdict = check_dependencies(task, hashes, input_roots(dir.path().string(), {}));
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
  auto verdict = check_dependencies(task, hashes, input_roots(dir.path().string(), {}));
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
    auto verdict = check_dependencies(task, hashes, input_roots(dir.path().string(), {}));
    REQUIRE(verdict.outcome == dependency_verdict::kind::failed);
    CHECK(verdict.failure.code == errc::dependency_failed);
    CHECK(verdict.failure.message == message);
  }
}

TEST_CASE("without dependencies params name the inputs", "[redis][deps]") {
  params_inputs inputs;
  const temp_dir& dir = inputs.dir;
  const input_roots& roots = inputs.roots;
  auto task = task_with("", {});
  // Absolute, or relative to OUTPUT_DIR and then its images folder.
  task.params = {{"audio_path", dir.file("a.mp3")}, {"image_paths", {dir.file("images/1.png"), "2.png"}}};
  auto verdict = check_dependencies(task, {}, roots);
  REQUIRE(verdict.outcome == dependency_verdict::kind::ready);
  CHECK(verdict.inputs.audio_path == dir.file("a.mp3"));
  CHECK(verdict.inputs.image_paths == std::vector<std::string>{dir.file("images/1.png"), dir.file("images/2.png")});

  task.params = nlohmann::json::object();
  auto nothing = check_dependencies(task, {}, roots);
  REQUIRE(nothing.outcome == dependency_verdict::kind::failed);
  CHECK(nothing.failure.message == "task v1 has no slide_ids and params has no image_paths: nothing to show");
}

TEST_CASE("without dependencies the paths of params.slides name the pictures", "[redis][deps][pictures]") {
  params_inputs inputs;
  const temp_dir& dir = inputs.dir;
  const input_roots& roots = inputs.roots;
  auto task = task_with("", {});
  // Slide objects and bare paths mixed, in order.
  task.params = {{"audio_path", dir.file("a.mp3")},
                 {"slides", {{{"path", "2.png"}, {"duration", 1.5}}, dir.file("images/1.png")}}};
  auto verdict = check_dependencies(task, {}, roots);
  REQUIRE(verdict.outcome == dependency_verdict::kind::ready);
  CHECK(verdict.inputs.image_paths == std::vector<std::string>{dir.file("images/2.png"), dir.file("images/1.png")});

  // Without slide tasks a slide object must say which picture it shows.
  task.params["slides"] = {{{"duration", 1.5}}, "1.png"};
  auto pathless = check_dependencies(task, {}, roots);
  REQUIRE(pathless.outcome == dependency_verdict::kind::failed);
  CHECK(pathless.failure.code == errc::invalid_argument);
  CHECK(pathless.failure.message == "task v1: params.slides[0] has no path");
}

TEST_CASE("input paths from tasks are confined to the media roots and the pipeline's folders", "[redis][deps][roots]") {
  temp_dir dir;
  for (const char* folder : {"out/voice", "out/images", "media", "elsewhere"})
    std::filesystem::create_directories(dir.path() / folder);
  for (const char* file : {"out/voice/v.mp3", "out/images/i.png", "media/m.mp3", "elsewhere/x.mp3", "mediaX.mp3"})
    vs::test::write_bytes(dir.file(file), "x");
  std::filesystem::create_symlink(dir.file("elsewhere/x.mp3"), dir.file("out/voice/escape.mp3"));
  std::filesystem::create_symlink(dir.file("media/m.mp3"), dir.file("out/voice/inside.mp3"));

  // MEDIA_ROOTS set: OUTPUT_DIR itself is no root, its voice and images folders are.
  input_roots roots(dir.file("out"), {dir.file("media")});
  CHECK(roots.folders() ==
        std::vector<std::string>{dir.file("media"), dir.file("out/voice"), dir.file("out/images")});
  const std::string listed = dir.file("media") + ", " + dir.file("out/voice") + ", " + dir.file("out/images") +
                             " (MEDIA_ROOTS, by default OUTPUT_DIR, and OUTPUT_DIR/voice, OUTPUT_DIR/images)";
  CHECK(*roots.locate("v.mp3", "voice", "ref") == dir.file("out/voice/v.mp3"));
  CHECK(*roots.locate(dir.file("media/m.mp3"), "voice", "ref") == dir.file("media/m.mp3"));
  CHECK(*roots.locate("inside.mp3", "voice", "ref") == dir.file("media/m.mp3"));
  const std::vector<std::string> outside{"/etc/passwd", dir.file("elsewhere/x.mp3"), dir.file("mediaX.mp3"),
                                         dir.file("media/../elsewhere/x.mp3"), "escape.mp3", "../../elsewhere/x.mp3",
                                         dir.file("elsewhere/missing.mp3")};
  for (const auto& ref : outside) {
    auto refused = roots.locate(ref, "voice", "its result");
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == errc::forbidden_path);
    CHECK(refused.error().message == "its result " + ref + " is outside the allowed folders " + listed);
  }
  auto missing = roots.locate("gone.mp3", "voice", "its result");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::input_missing);
  CHECK(missing.error().message == "its result gone.mp3 does not exist");
  auto folder = roots.locate(dir.file("media"), "voice", "its result");
  REQUIRE_FALSE(folder);
  CHECK(folder.error().message == "its result " + dir.file("media") + " is not a regular file");

  // A dependency's result outside fails the task naming the dependency.
  auto task = task_with("voice", {});
  task.params = {{"image_paths", {"i.png"}}};
  std::map<std::string, std::optional<field_map>> hashes{{"voice", done("/etc/passwd")}};
  auto verdict = check_dependencies(task, hashes, roots);
  REQUIRE(verdict.outcome == dependency_verdict::kind::failed);
  CHECK(verdict.failure.code == errc::forbidden_path);
  CHECK(verdict.failure.message ==
        "dependency voice track voice: its result /etc/passwd is outside the allowed folders " + listed);
  task.params = {{"audio_path", dir.file("elsewhere/x.mp3")}, {"image_paths", {"i.png"}}};
  task.voice_track_id.clear();
  auto from_params = check_dependencies(task, {}, roots);
  REQUIRE(from_params.outcome == dependency_verdict::kind::failed);
  CHECK(from_params.failure.message ==
        "task v1: params.audio_path " + dir.file("elsewhere/x.mp3") + " is outside the allowed folders " + listed);
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

TEST_CASE("params.captions true asks for the narration text", "[redis][deps][captions]") {
  auto task = task_with("voice", {});
  CHECK_FALSE(wants_narration_captions(task));
  task.params = nlohmann::json::parse(R"({"captions": true})");
  CHECK(wants_narration_captions(task));
  task.params = nlohmann::json::parse(R"({"captions": "file.srt"})");
  CHECK_FALSE(wants_narration_captions(task));
}

TEST_CASE("a voice task names its text task, in a field or its params, or carries the text", "[redis][deps][captions]") {
  auto field = narration_text_source_of("voice", {{"text_task_id", "t1"}});
  REQUIRE(field);
  CHECK(field->text_task_id == "t1");
  auto in_params = narration_text_source_of("voice", {{"params", R"({"text_task_id":"t2","text":"ignored"})"}});
  REQUIRE(in_params);
  CHECK(in_params->text_task_id == "t2");
  auto inline_text = narration_text_source_of("voice", {{"params", R"({"text":"Сама фраза."})"}});
  REQUIRE(inline_text);
  CHECK(inline_text->text_task_id.empty());
  CHECK(inline_text->text == "Сама фраза.");
  auto neither = narration_text_source_of("voice", {{"params", "not json"}});
  REQUIRE_FALSE(neither);
  CHECK(neither.error().code == errc::dependency_failed);
  CHECK(neither.error().message ==
        "params.captions is true, but voice track voice names no text_task_id and has no params.text to caption");
}

TEST_CASE("a text task's result is a file inside the roots or the text itself", "[redis][deps][captions]") {
  temp_dir dir;
  std::filesystem::create_directories(dir.path() / "text");
  vs::test::write_bytes(dir.file("text/text_t1.txt"), "Текст из файла.");
  input_roots roots(dir.path().string(), {});
  const int64_t max = 1 << 20;
  CHECK(*narration_text_of("t1", done("text_t1.txt"), roots, max) == "Текст из файла.");
  CHECK(*narration_text_of("t1", done(dir.file("text/text_t1.txt")), roots, max) == "Текст из файла.");
  // Not a path: the text service stored the text itself.
  CHECK(*narration_text_of("t1", done("Just the words, said aloud."), roots, max) == "Just the words, said aloud.");

  auto missing = narration_text_of("t1", done("text_none.txt"), roots, max);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::dependency_failed);
  auto outside = narration_text_of("t1", done("/etc/hostname"), roots, max);
  REQUIRE_FALSE(outside);
  CHECK(outside.error().code == errc::forbidden_path);
  auto too_big = narration_text_of("t1", done("text_t1.txt"), roots, 4);
  REQUIRE_FALSE(too_big);
  CHECK(too_big.error().code == errc::input_too_large);
  auto running = narration_text_of("t1", field_map{{"status", "processing"}}, roots, max);
  REQUIRE_FALSE(running);
  CHECK(running.error().message == "text task t1 (the narration's text) is processing, not success");
  auto absent = narration_text_of("t1", std::nullopt, roots, max);
  REQUIRE_FALSE(absent);
  CHECK(absent.error().message == "text task t1 (the narration's text) does not exist (no task:t1)");
}
