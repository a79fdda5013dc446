// The picture fields as Redis task params, through a real worker process on
// a real redis-server: per-slide options over slide tasks, fit, transitions,
// the poster recorded as the task's poster_ref, and bad params failing the
// task naming the field while the worker goes on.

#include "tests/support/mp4_probe.hpp"
#include "tests/support/picture_checks.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

#include <filesystem>

using namespace vs::test;

TEST_CASE("a task's picture params shape its video and its poster_ref names the poster", "[worker][redis][pictures]") {
  pipeline_fixture pipeline;
  auto slides = pipeline.upstream("p", 2.0, 3);
  // Slide objects without paths: the slide tasks give the pictures, params the options.
  pipeline.video_task("pics", "p-voice", slides,
                      R"({"fps":12,"resolution":"180x320","preset":"ultrafast","fit":"blur","background":"#000000",)"
                      R"("slides":[{"duration":0.5},{"fit":"contain","motion":"none"},{}],)"
                      R"("transitions":["wipeleft","random"],"poster":true})");
  // Bad params fail their task naming the field; the worker goes on.
  auto bad = pipeline.upstream("b", 1.0, 2);
  pipeline.video_task("bad-fit", "b-voice", bad, R"({"fps":12,"resolution":"320x180","fit":"stretch"})");
  pipeline.video_task("bad-transitions", "b-voice", bad,
                      R"({"fps":12,"resolution":"320x180","transitions":["crossfade","none"]})");
  auto worker = pipeline.start_worker("w1");
  for (const char* id : {"bad-fit", "bad-transitions", "pics"})
    pipeline.push(id);

  REQUIRE(pipeline.status_becomes("pics", "success"));
  const std::string video = pipeline.field("pics", "result_ref");
  const std::string poster = pipeline.field("pics", "poster_ref");
  CHECK(poster == pipeline.output_dir() + "/video/pics.jpg");
  auto picture = jpeg_luma(poster);
  CHECK(picture.width == 180);
  CHECK(picture.height == 320);
  auto info = probe_mp4(video);
  CHECK(info.video.width == 180);
  CHECK(info.video.duration == Approx(2.0).margin(1.0 / 12));

  REQUIRE(pipeline.status_becomes("bad-fit", "failed"));
  CHECK(pipeline.field("bad-fit", "error") == "task bad-fit params: fit must be one of cover, contain or blur (got \"stretch\")");
  REQUIRE(pipeline.status_becomes("bad-transitions", "failed"));
  // Checked once the slide tasks are known, as every bound is.
  CHECK(pipeline.field("bad-transitions", "error") == "transitions has 2 entries but 2 slides have 1 boundaries");
  CHECK(pipeline.field("bad-fit", "poster_ref").empty());
  CHECK(worker->running());
}
