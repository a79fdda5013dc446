#include "media/render_spec.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::media;

namespace {
render_spec good() {
  render_spec spec;
  spec.audio_path = "a.mp3";
  spec.image_paths = {"1.png"};
  spec.output_path = "out.mp4";
  return spec;
}
void expect_invalid(const render_spec& spec, const std::string& field, const std::string& message) {
  auto result = validate(spec, render_limits{});
  REQUIRE_FALSE(result);
  CHECK(result.error().field == field);
  CHECK(result.error().message == message);
}
} // namespace

TEST_CASE("the defaults are a valid job", "[spec]") {
  CHECK(validate(good(), render_limits{}));
  render_spec spec = good();
  CHECK(spec.fps == 24);
  CHECK(spec.width == 1920);
  CHECK(spec.height == 1080);
  CHECK(spec.slide_duration == 3.0);
  CHECK(spec.transition_duration == 0.5);
  CHECK(spec.ken_burns);
  CHECK(spec.zoom_factor == 1.1);
}

TEST_CASE("every bound is checked and named", "[spec]") {
  auto spec = good();
  spec.image_paths.clear();
  expect_invalid(spec, "image_paths", "image_paths must list at least one image");
  spec = good();
  spec.width = 1921;
  expect_invalid(spec, "resolution", "resolution 1921x1080 must have even width and height");
  spec = good();
  spec.width = 7682;
  expect_invalid(spec, "resolution", "resolution 7682x1080 is outside 16x16 .. 7680x4320");
  spec = good();
  spec.fps = 121;
  expect_invalid(spec, "fps", "fps must be between 1 and 120 (got 121)");
  spec = good();
  spec.zoom_factor = 0.9;
  expect_invalid(spec, "zoom_factor", "zoom_factor must be between 1.0 and 4.0");
  spec = good();
  spec.transition_duration = -1;
  expect_invalid(spec, "transition_duration", "transition_duration must be between 0 and 3600 seconds");
  spec = good();
  spec.slide_duration = std::numeric_limits<double>::quiet_NaN();
  expect_invalid(spec, "slide_duration", "slide_duration must be between 0.1 and 3600 seconds");
  spec = good();
  spec.preset = "warp";
  expect_invalid(spec, "preset", "preset must be an x264 preset such as medium or veryfast (got \"warp\")");
  spec = good();
  spec.crf = 52;
  expect_invalid(spec, "crf", "crf must be between 0 and 51 (got 52)");
  spec = good();
  spec.audio_path.clear();
  expect_invalid(spec, "audio_path", "audio_path is required unless sync_to_audio is false");
  spec.sync_to_audio = false;
  CHECK(validate(spec, render_limits{}));
  spec = good();
  spec.image_paths.assign(1001, "x.png");
  auto too_many = validate(spec, render_limits{});
  REQUIRE_FALSE(too_many);
  CHECK(too_many.error().code == errc::input_too_large);
}

TEST_CASE("lookahead is bounded at 60 frames, the most any x264 preset uses", "[spec]") {
  auto spec = good();
  spec.lookahead = 60;
  CHECK(validate(spec, render_limits{}));
  // The reproduction asked for x264's own maximum.
  spec.lookahead = 250;
  expect_invalid(spec, "lookahead", "lookahead must be between 0 and 60 frames (got 250)");
  spec.lookahead = -1;
  expect_invalid(spec, "lookahead", "lookahead must be between 0 and 60 frames (got -1)");
}

TEST_CASE("fixed slides too short for one frame are refused at validation", "[spec]") {
  auto spec = good();
  spec.sync_to_audio = false;
  spec.image_paths.assign(3, "x.png");
  spec.fps = 12;
  spec.slide_duration = 0.1;
  spec.transition_duration = 0.05;
  expect_invalid(spec, "slide_duration",
                 "slide_duration 0.1 s with a 0.05 s transition leaves each slide 0.05 s, less than one frame at 12 "
                 "fps (0.0833 s): lengthen slide_duration, shorten transition_duration or raise fps");
  spec.transition_duration = 0;
  CHECK(validate(spec, render_limits{}));
}
