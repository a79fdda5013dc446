// Music and loudness through a Redis task's params (PROTOCOL.md, issue 9):
// the same job fields as HTTP, a music file found the way the pipeline's
// other inputs are (a bare name under OUTPUT_DIR, then OUTPUT_DIR/music).
#include "tests/support/audio_measure.hpp"
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>

#include <cmath>

using namespace vs::test;

TEST_CASE("params.music_path and params.loudness shape a Redis task's soundtrack", "[worker][redis][audio]") {
  pipeline_fixture pipeline;
  std::filesystem::create_directories(pipeline.output_dir() + "/music");
  REQUIRE(run_command("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i 'sine=f=3000:d=2' -ac 2 '" +
                      pipeline.output_dir() + "/music/bed.mp3'") == 0);
  auto slides = pipeline.upstream("m", 3.0);
  pipeline.video_task("mixed", "m-voice", slides,
                      R"({"fps":12,"resolution":"320x180","music_path":"bed.mp3","music_volume":-12,"loudness":-18})");
  pipeline.video_task("outside", "m-voice", slides, R"({"fps":12,"resolution":"320x180","music_path":"/etc/hostname"})");
  pipeline.video_task("loud", "m-voice", slides, R"({"fps":12,"resolution":"320x180","loudness":2})");
  auto worker = pipeline.start_worker("w1");
  for (const char* id : {"outside", "loud", "mixed"})
    pipeline.push(id);

  REQUIRE(pipeline.status_becomes("mixed", "success"));
  std::string video = pipeline.field("mixed", "result_ref");
  check_loudness(video, -18);
  auto bed = window_levels(video, above_2khz, 1.0);
  REQUIRE(bed.size() >= 3);
  CHECK(bed[2] > -60);  // looped past the bed's 2 s

  REQUIRE(pipeline.status_becomes("outside", "failed"));
  CHECK(pipeline.field("outside", "error") ==
        "task outside: params.music_path /etc/hostname is outside the allowed folders " + pipeline.output_dir() +
            " (MEDIA_ROOTS, by default OUTPUT_DIR, and OUTPUT_DIR/voice, OUTPUT_DIR/images)");
  REQUIRE(pipeline.status_becomes("loud", "failed"));
  CHECK(pipeline.field("loud", "error").find("loudness must be between -40 and -5 LUFS (got 2)") != std::string::npos);
  CHECK(worker->running());
}
