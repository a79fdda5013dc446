// The spec a chunked job's owner hands its chunk workers reads back exactly.
#include "jobs/spec_json.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vs;
using namespace vs::jobs;

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
  auto broken = spec_from_json(std::string("{\"fps\":12}"));
  REQUIRE_FALSE(broken);
  CHECK(broken.error().code == errc::input_invalid);
  CHECK(broken.error().message.rfind("the chunk plan's spec is not valid: ", 0) == 0);
}

// A chunk worker that lost the pictures part would draw its frames with the
// default fit, motion and transitions: a seam at every join.
TEST_CASE("a render spec's pictures survive the chunk plan", "[redis][chunks]") {
  media::render_spec spec;
  spec.image_paths = {"/out/images/1.png", "/out/images/2.png", "/out/images/3.png"};
  media::picture_options& pictures = spec.pictures;
  pictures.fit = media::fit_mode::blur;
  pictures.background = {0x12, 0xab, 0xff};
  pictures.motion = media::motion_kind::left;
  pictures.slides = {{2.5, media::fit_mode::contain, media::motion_kind::none, media::picture_point{0.25, 0.1 + 0.2}},
                     {std::nullopt, std::nullopt, std::nullopt, std::nullopt},
                     {4.0, std::nullopt, media::motion_kind::out, std::nullopt}};
  pictures.slide_starts = {0.0, 2.5, 1.0 / 3.0 + 5.0};
  pictures.random_transition = true;
  pictures.transitions = {{false, media::transition_kind::circle}, {true, media::transition_kind::crossfade}};
  pictures.poster = true;
  pictures.poster_time = 0.1 + 0.7;
  auto back = spec_from_json(spec_to_json(spec));
  REQUIRE(back);
  const media::picture_options& read = back->pictures;
  CHECK(read.fit == media::fit_mode::blur);
  CHECK(read.background == pictures.background);
  CHECK(read.motion == media::motion_kind::left);
  REQUIRE(read.slides.size() == 3);
  CHECK(read.slides[0].duration == 2.5);
  CHECK(read.slides[0].fit == media::fit_mode::contain);
  CHECK(read.slides[0].motion == media::motion_kind::none);
  REQUIRE(read.slides[0].focus);
  CHECK(read.slides[0].focus->x == 0.25);
  CHECK(read.slides[0].focus->y == 0.1 + 0.2);
  CHECK_FALSE(read.slides[1].duration);
  CHECK_FALSE(read.slides[1].fit);
  CHECK_FALSE(read.slides[1].motion);
  CHECK_FALSE(read.slides[1].focus);
  CHECK(read.slides[2].duration == 4.0);
  CHECK(read.slides[2].motion == media::motion_kind::out);
  CHECK(read.slide_starts == pictures.slide_starts);
  CHECK(read.random_transition);
  REQUIRE(read.transitions.size() == 2);
  CHECK_FALSE(read.transitions[0].random);
  CHECK(read.transitions[0].kind == media::transition_kind::circle);
  CHECK(read.transitions[1].random);
  CHECK(read.poster);
  CHECK(read.poster_time == pictures.poster_time);

  media::render_spec plain;
  auto plain_back = spec_from_json(spec_to_json(plain));
  REQUIRE(plain_back);
  CHECK_FALSE(plain_back->pictures.poster);
  CHECK_FALSE(plain_back->pictures.poster_time);
  CHECK(plain_back->pictures.slides.empty());
}

// Found by fuzz/chunk_plan_fuzz: get<int>() on 3e20 converted out of range
// (undefined behaviour; in practice INT_MIN). Numbers that do not fit their
// field are refused by name, in the chunk plan and in the SQLite job store.
TEST_CASE("a plan number that does not fit its field is refused naming it", "[redis][chunks][hostile]") {
  media::render_spec spec;
  spec.image_paths = {"/out/images/1.png"};
  const auto good = nlohmann::json::parse(spec_to_json(spec));
  REQUIRE(spec_from_json(good));
  for (const auto& [field, value] : std::vector<std::pair<std::string, nlohmann::json>>{
           {"width", 3e20}, {"height", 1.5}, {"fps", 4294967296LL}, {"seed", -1}, {"crf", "20"}}) {
    INFO(field);
    auto bad = good;
    bad[field] = value;
    auto read = spec_from_json(bad);
    REQUIRE_FALSE(read);
    CHECK(read.error().code == errc::input_invalid);
    CHECK(read.error().message.rfind("the chunk plan's spec is not valid: ", 0) == 0);
  }
  auto largest = good;
  largest["seed"] = 18446744073709551615ULL;
  REQUIRE(spec_from_json(largest));
  CHECK(spec_from_json(largest)->seed == 18446744073709551615ULL);
}
