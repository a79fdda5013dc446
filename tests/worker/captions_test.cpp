// params.captions: true against a real worker process and a real Redis: the
// narration's own text (voice task → text task → its result file) becomes
// the captions, and the .srt is recorded as captions_ref.

#include "tests/support/caption_fixtures.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

using namespace vs::test;

TEST_CASE("captions true captions the voice task's own text and records captions_ref", "[worker][redis][captions]") {
  pipeline_fixture pipeline;
  std::filesystem::create_directories(pipeline.output_dir() + "/text");
  write_bytes(pipeline.output_dir() + "/text/text_t1.txt", "Первая фраза рассказа. Вторая фраза!");
  pipeline.hset("t1", {{"service", "text-service"}, {"name", "CreateText"}, {"status", "success"},
                       {"result_ref", "text_t1.txt"}});  // relative: under OUTPUT_DIR/text
  auto slides = pipeline.upstream("c", 3.0);
  pipeline.hset("c-voice", {{"text_task_id", "t1"}});
  pipeline.video_task("cap1", "c-voice", slides, R"({"fps":12,"resolution":"320x180","captions":true})");

  // A voice task that says nothing of its text: the task fails, naming why.
  auto bare = pipeline.upstream("d", 1.0);
  pipeline.video_task("cap2", "d-voice", bare, R"({"fps":12,"resolution":"320x180","captions":true})");

  auto worker = pipeline.start_worker("w1");
  pipeline.push("cap1");
  pipeline.push("cap2");

  REQUIRE(pipeline.status_becomes("cap1", "success"));
  std::string srt = pipeline.field("cap1", "captions_ref");
  CHECK(srt == pipeline.output_dir() + "/video/cap1.srt");
  auto cues = read_srt(srt);
  REQUIRE(cues.size() == 2);
  CHECK(cues[0].text == "Первая фраза рассказа.");
  CHECK(cues[1].text == "Вторая фраза!");
  CHECK(cues[1].end <= 3.0);

  REQUIRE(pipeline.status_becomes("cap2", "failed"));
  CHECK(pipeline.field("cap2", "error") == "task cap2: params.captions is true, but voice track d-voice names no "
                                           "text_task_id and has no params.text to caption");
  CHECK(pipeline.field("cap2", "captions_ref").empty());
}

TEST_CASE("a captions file in params is found like the other inputs and confined to the media folders",
          "[worker][redis][captions]") {
  pipeline_fixture pipeline;
  // Relative, like the pipeline's own result_refs: under OUTPUT_DIR.
  write_bytes(pipeline.output_dir() + "/cues.srt", "1\n00:00:00,500 --> 00:00:01,500\nИз Redis\n");
  auto slides = pipeline.upstream("e", 2.0);
  pipeline.video_task("cap3", "e-voice", slides, R"({"fps":12,"resolution":"320x180","captions":"cues.srt"})");
  auto outside = pipeline.upstream("f", 1.0);
  pipeline.video_task("cap4", "f-voice", outside, R"({"fps":12,"resolution":"320x180","captions":"/etc/hostname"})");

  auto worker = pipeline.start_worker("w1");
  pipeline.push("cap3");
  pipeline.push("cap4");

  REQUIRE(pipeline.status_becomes("cap3", "success"));
  auto cues = read_srt(pipeline.field("cap3", "captions_ref"));
  REQUIRE(cues.size() == 1);
  CHECK(cues[0].text == "Из Redis");
  CHECK(cues[0].start == 0.5);

  REQUIRE(pipeline.status_becomes("cap4", "failed"));
  CHECK(pipeline.field("cap4", "error") ==
        "task cap4: params.captions /etc/hostname is outside the allowed folders " + pipeline.output_dir() +
            " (MEDIA_ROOTS, by default OUTPUT_DIR, and OUTPUT_DIR/voice, OUTPUT_DIR/images)");
  CHECK(pipeline.field("cap4", "captions_ref").empty());
}
