// Issue 7, defect 8: slides must not pile up. Many short slides used to
// keep a second's worth of working images (and, when a slide was shorter
// than a frame, every late one for the rest of the job); a job now holds at
// most a small window of slides whatever their number or length, and a
// slide too short to appear on any frame fails the job with a clear error.

#include "tests/actors/job_fixture.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process_memory.hpp"

using namespace vs;
using namespace vs::test;

TEST_CASE("many short slides keep a bounded window of slides resident", "[actors][memory]") {
  temp_dir dir;
  std::string audio = dir.file("voice.wav");  // WAV: exactly 6 s, so exactly 144 frames
  write_test_audio(audio, 6.0);
  // 120 distinct small sources, each blown up to a 2560x1440 working image
  // (640x360 × zoom 4, 5.3 MB): held together they would be 660 MB.
  std::vector<std::string> images;
  for (int i = 0; i < 120; ++i) {
    images.push_back(dir.file("s" + std::to_string(i) + ".png"));
    write_test_png(images.back(), 48, 48, 3, i);
  }
  media::render_spec spec;
  spec.audio_path = audio;
  spec.image_paths = images;
  spec.width = 640;
  spec.height = 360;
  spec.fps = 24;  // 144 frames: 1.2 frames per slide
  spec.zoom_factor = 4.0;
  spec.preset = "ultrafast";
  spec.encoder_threads = 1;

  actors::job_system_config config;
  config.max_concurrent_jobs = 1;
  config.renderers = 2;  // six frame buffers whatever the machine
  job_system_fixture fixture(config);
  const int64_t before_kb = proc_status_kb("VmRSS");
  reset_peak_rss();
  auto id = fixture.jobs().submit(spec);
  REQUIRE(id);
  auto done = fixture.wait_for(*id, std::chrono::seconds(120));
  INFO((done.failure ? done.failure->message : std::string()));
  REQUIRE(done.state == jobs::job_state::success);
  const int64_t peak_growth_mb = (proc_status_kb("VmHWM") - before_kb) / 1024;

  auto info = probe_mp4(done.result->video_path);
  CHECK(info.video.frame_count == 144);
  const auto& counters = fixture.system->counters();
  // The two slides a crossfade shows plus the one being decoded ahead.
  CHECK(counters.peak_resident_slides.load() <= 3);
  CHECK(counters.resident_slides.load() == 0);
  // Three working images (16 MB), the frame buffers and an ultrafast 360p
  // encoder fit in 70 MB; a second of slides would be 130 MB more (109 MB
  // growth and 13 slides resident before the window).
  INFO("peak RSS growth " << peak_growth_mb << " MB");
  if (rss_is_meaningful)
    CHECK(peak_growth_mb < 70);
}

TEST_CASE("slides shorter than one frame fail the job naming the numbers", "[actors][memory]") {
  // The reproduction of defect 8: 1000 slides over 4 s of narration at 24 fps.
  job_inputs inputs(1.0);
  auto spec = inputs.spec();
  spec.audio_path = inputs.dir.file("voice.wav");  // exactly 4 s
  write_test_audio(spec.audio_path, 4.0);
  spec.fps = 24;
  spec.image_paths.assign(1000, inputs.images[0]);
  job_system_fixture fixture(1);
  auto failure = fixture.submit_and_fail(spec);
  CHECK(failure.code == errc::invalid_argument);
  CHECK(failure.field == "image_paths");
  CHECK(failure.message ==
        "1000 slides over 4 s of audio at 24 fps leave each slide 0.004 s, less than one frame (0.0417 s): "
        "use at most 95 slides, a longer narration or a higher fps");
  CHECK(fixture.system->counters().peak_resident_slides.load() == 0);
  CHECK(fixture.partial_files().empty());
}
