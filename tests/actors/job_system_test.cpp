// The job system end to end through its plain-C++ facade: real inputs, real
// decoding and encoding, outputs read back with libavformat.

#include "tests/actors/job_fixture.hpp"
#include "tests/support/mp4_probe.hpp"

#include <cmath>

using namespace vs;
using namespace vs::test;

TEST_CASE("a job submitted through the facade renders a correct MP4", "[actors]") {
  job_inputs inputs(2.0);
  job_system_fixture fixture(2);
  auto id = fixture.jobs().submit(inputs.spec());
  REQUIRE(id);
  CHECK(id->size() == 16);  // not the shape of a pipeline task id (8)
  CHECK(id->find_first_not_of("0123456789abcdef") == std::string::npos);

  auto done = fixture.wait_for(*id);
  INFO((done.failure ? done.failure->message : std::string()));
  REQUIRE(done.state == jobs::job_state::success);
  CHECK(done.progress == 1.0);
  CHECK(done.frames_done == done.frames_total);
  CHECK(done.source == "http");
  CHECK(done.started_at_ms >= done.created_at_ms);
  CHECK(done.finished_at_ms >= done.started_at_ms);
  REQUIRE(done.result);
  auto expected_path = (fixture.video_folder() / (*id + ".mp4")).string();
  CHECK(done.result->video_path == expected_path);
  CHECK(done.result->width == 320);
  CHECK(done.result->height == 180);
  CHECK(done.result->fps == 12);
  CHECK(done.result->file_size == static_cast<int64_t>(std::filesystem::file_size(expected_path)));

  auto info = probe_mp4(expected_path);
  CHECK(info.video.codec == "h264");
  CHECK(info.video.width == 320);
  CHECK(info.video.height == 180);
  CHECK(info.video.fps == Approx(12.0));
  CHECK(info.video.frame_count == done.result->frames);
  REQUIRE(info.audio.present);
  CHECK(info.audio.codec == "aac");
  // The video ends within one frame after the narration.
  CHECK(std::abs(info.video.duration - 2.0) <= 1.0 / 12 + 1e-6);
  CHECK(audio_rms(expected_path) > 0.01);
  CHECK(fixture.partial_files().empty());
}

TEST_CASE("a silent job with fixed slide lengths renders", "[actors]") {
  job_inputs inputs(1.0);
  job_system_fixture fixture(2);
  auto spec = inputs.spec();
  spec.audio_path.clear();
  spec.sync_to_audio = false;
  spec.slide_duration = 1.0;
  spec.transition_duration = 0.25;
  auto id = fixture.jobs().submit(spec);
  REQUIRE(id);
  auto done = fixture.wait_for(*id);
  INFO((done.failure ? done.failure->message : std::string()));
  REQUIRE(done.state == jobs::job_state::success);
  auto info = probe_mp4(done.result->video_path);
  CHECK(info.video.codec == "h264");
  CHECK_FALSE(info.audio.present);
  CHECK(info.video.frame_count == done.frames_total);
}

TEST_CASE("wait returns the current snapshot when the timeout passes first", "[actors]") {
  job_inputs inputs(4.0);
  job_system_fixture fixture(1);
  auto spec = inputs.spec();
  spec.width = 1280;
  spec.height = 720;
  spec.fps = 24;
  spec.preset = "medium";
  spec.encoder_threads = 0;
  auto id = fixture.jobs().submit(spec);
  REQUIRE(id);
  auto before = std::chrono::steady_clock::now();
  auto snapshot = fixture.jobs().wait(*id, std::chrono::milliseconds(20));
  CHECK(std::chrono::steady_clock::now() - before < std::chrono::seconds(1));
  REQUIRE(snapshot);
  CHECK(snapshot->id == *id);
  CHECK_FALSE(jobs::is_final(snapshot->state));
  REQUIRE(fixture.jobs().cancel(*id));
}
