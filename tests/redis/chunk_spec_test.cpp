// The spec a chunked job's owner hands its chunk workers reads back exactly.
#include "redis/chunk_spec.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::redis;

TEST_CASE("a render spec survives the chunk plan field by field", "[redis][chunks]") {
  media::render_spec spec;
  spec.audio_path = "/out/voice/a.mp3";
  spec.image_paths = {"/out/images/1.png", "/out/images/2.png"};
  spec.input_roots = {"/out"};
  spec.width = 1280;
  spec.height = 720;
  spec.fps = 25;
  spec.sync_to_audio = false;
  spec.slide_duration = 3.3;
  spec.transition_duration = 0.1 + 0.2;  // not exactly 0.3: must survive bit for bit
  spec.transition = media::transition_kind::fadeblack;
  spec.ken_burns = false;
  spec.zoom_factor = 1.25;
  spec.seed = 18446744073709551615ull;
  spec.preset = "veryfast";
  spec.crf = 23;
  spec.lookahead = 10;
  spec.audio_bitrate = 96000;
  spec.encoder_threads = 2;
  spec.render_threads = 3;
  auto back = spec_from_json(spec_to_json(spec));
  REQUIRE(back);
  CHECK(back->audio_path == spec.audio_path);
  CHECK(back->image_paths == spec.image_paths);
  CHECK(back->input_roots == spec.input_roots);
  CHECK(back->width == 1280);
  CHECK(back->height == 720);
  CHECK(back->fps == 25);
  CHECK_FALSE(back->sync_to_audio);
  CHECK(back->slide_duration == spec.slide_duration);
  CHECK(back->transition_duration == spec.transition_duration);
  CHECK(back->transition == media::transition_kind::fadeblack);
  CHECK_FALSE(back->ken_burns);
  CHECK(back->zoom_factor == 1.25);
  CHECK(back->seed == spec.seed);
  CHECK(back->preset == "veryfast");
  CHECK(back->crf == 23);
  CHECK(back->lookahead == 10);
  CHECK(back->audio_bitrate == 96000);
  CHECK(back->encoder_threads == 2);
  CHECK(back->render_threads == 3);

  double seconds = 361.23456789012345;
  auto text = seconds_to_text(seconds);
  CHECK(seconds_from_text(text).value() == seconds);
  CHECK(seconds_to_text(std::nullopt).empty());
  CHECK_FALSE(seconds_from_text("").value().has_value());
  auto bad = seconds_from_text("12s");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().message == "the chunk plan's audio length '12s' is not a number of seconds");
  auto broken = spec_from_json("{\"fps\":12}");
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == errc::input_invalid);
  CHECK(broken.error().message.rfind("the chunk plan's spec is not valid: ", 0) == 0);
}
