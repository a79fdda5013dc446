// A queued job's spec as the job store keeps it reads back exactly: a job
// resumed after a restart renders what was asked, music and captions included.
#include "store/spec_record.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::store;
namespace captions = vs::media::captions;

TEST_CASE("a stored render spec reads back field by field, music and captions included", "[store]") {
  media::render_spec spec;
  spec.audio_path = "/out/voice.mp3";
  spec.image_paths = {"/out/a.png", "/out/b.png"};
  spec.output_path = "/out/video/0123456789abcdef.mp4";
  spec.input_roots = {"/out", "/media"};
  spec.width = 1080;
  spec.height = 1920;
  spec.crf = 30;
  spec.transition_duration = 0.1 + 0.2;  // not exactly 0.3: must survive bit for bit
  spec.pictures.poster = true;
  spec.pictures.fit = media::fit_mode::blur;
  spec.music_path = "/out/music.ogg";
  spec.music_volume = -21.5;
  spec.music_fade = 2.25;
  spec.ducking = 0.0;
  spec.loudness = -16.0 + 1.0 / 3.0;
  spec.captions.path = "/out/captions.srt";
  spec.captions.cues = {{0.5, 1.25, "first\nline"}, {1.0 / 3.0, 2.0, "Привет, 世界"}};
  spec.captions.words = {{0.0, 0.4, "one"}, {0.4, 0.4, "two"}};
  spec.captions.text = "spoken text";
  captions::caption_style& style = spec.captions.style;
  style.font = "Noto Serif";
  style.bold = false;
  style.size = 0.07;
  style.color = {1, 2, 3, 4};
  style.highlight_color = {5, 6, 7, 8};
  style.outline_color = {9, 10, 11, 12};
  style.outline = 0.125;
  style.box = true;
  style.box_color = {13, 14, 15, 16};
  style.position = captions::caption_position::top;
  style.margin = 0.1 + 0.05;
  style.max_lines = 3;
  style.uppercase = true;

  auto back = spec_from_record(spec_to_record(spec));
  REQUIRE(back);
  CHECK(back->audio_path == spec.audio_path);
  CHECK(back->image_paths == spec.image_paths);
  CHECK(back->output_path == spec.output_path);
  CHECK(back->input_roots == spec.input_roots);
  CHECK(back->width == 1080);
  CHECK(back->height == 1920);
  CHECK(back->crf == 30);
  CHECK(back->transition_duration == spec.transition_duration);
  CHECK(back->pictures.poster);
  CHECK(back->pictures.fit == media::fit_mode::blur);
  CHECK(back->music_path == "/out/music.ogg");
  CHECK(back->music_volume == -21.5);
  CHECK(back->music_fade == 2.25);
  CHECK(back->ducking == 0.0);
  CHECK(back->loudness == spec.loudness);
  const media::caption_request& read = back->captions;
  CHECK(read.path == "/out/captions.srt");
  REQUIRE(read.cues.size() == 2);
  CHECK(read.cues[0].start == 0.5);
  CHECK(read.cues[0].end == 1.25);
  CHECK(read.cues[0].text == "first\nline");
  CHECK(read.cues[1].start == 1.0 / 3.0);
  CHECK(read.cues[1].text == "Привет, 世界");
  REQUIRE(read.words.size() == 2);
  CHECK(read.words[1].start == 0.4);
  CHECK(read.words[1].end == 0.4);
  CHECK(read.words[1].text == "two");
  CHECK(read.text == "spoken text");
  CHECK(read.style.font == "Noto Serif");
  CHECK_FALSE(read.style.bold);
  CHECK(read.style.size == 0.07);
  CHECK(read.style.color == style.color);
  CHECK(read.style.highlight_color == style.highlight_color);
  CHECK(read.style.outline_color == style.outline_color);
  CHECK(read.style.outline == 0.125);
  CHECK(read.style.box);
  CHECK(read.style.box_color == style.box_color);
  CHECK(read.style.position == captions::caption_position::top);
  CHECK(read.style.margin == style.margin);
  CHECK(read.style.max_lines == 3);
  CHECK(read.style.uppercase);
  // Written again, the same text: nothing was lost or changed on the way.
  CHECK(spec_to_record(*back) == spec_to_record(spec));
}

TEST_CASE("a stored render spec without loudness or margin reads back unset", "[store]") {
  media::render_spec spec;
  spec.loudness.reset();
  auto back = spec_from_record(spec_to_record(spec));
  REQUIRE(back);
  CHECK_FALSE(back->loudness);
  CHECK_FALSE(back->captions.style.margin);
  CHECK_FALSE(back->captions.requested());
}

TEST_CASE("a stored render spec that is not one is an error saying why", "[store]") {
  auto missing = spec_from_record(R"({"fps": 24})");
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::input_invalid);
  CHECK(missing.error().message.rfind("the stored render spec is not valid: ", 0) == 0);
  CHECK(missing.error().message.find("chunk plan") == std::string::npos);
  media::render_spec spec;
  std::string text = spec_to_record(spec);
  text.replace(text.find("\"position\":\"bottom\""), 19, "\"position\":\"side\"");
  auto bad_position = spec_from_record(text);
  REQUIRE_FALSE(bad_position);
  CHECK(bad_position.error().message ==
        "the stored render spec is not valid: caption_style.position must be bottom, center or top (got \"side\")");
}
