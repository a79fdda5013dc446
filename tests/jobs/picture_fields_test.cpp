// The picture fields of the job body (issue 8) onto the spec, and every bad
// value an error naming its field.

#include "jobs/job_request.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vs;
using nlohmann::json;

namespace {

void check_refused(const json& body, const std::string& field, const std::string& message) {
  auto spec = jobs::apply_job_fields(body, media::render_spec{});
  INFO(body.dump());
  REQUIRE_FALSE(spec);
  CHECK(spec.error().code == errc::invalid_argument);
  CHECK(spec.error().field == field);
  CHECK(spec.error().message == message);
}

} // namespace

TEST_CASE("picture fields map onto the spec", "[job_request][pictures]") {
  json body = json::parse(R"({
    "audio_path": "/a.mp3",
    "fit": "blur", "background": "#102030", "motion": "none",
    "slides": [
      "/1.png",
      {"path": "/2.png", "duration": 2.5, "fit": "contain", "motion": "in", "focus": [0.25, 0.75]},
      {"path": "/3.png", "motion": "left"}
    ],
    "transitions": ["wipeleft", "random"],
    "poster": 4.5
  })");
  auto spec = jobs::apply_job_fields(body, media::render_spec{});
  REQUIRE(spec);
  CHECK(spec->image_paths == std::vector<std::string>{"/1.png", "/2.png", "/3.png"});
  const auto& pictures = spec->pictures;
  CHECK(pictures.fit == media::fit_mode::blur);
  CHECK(pictures.background == media::rgb_color{0x10, 0x20, 0x30});
  CHECK(pictures.motion == media::motion_kind::none);
  REQUIRE(pictures.slides.size() == 3);
  CHECK_FALSE(pictures.slides[0].duration);
  CHECK(*pictures.slides[1].duration == 2.5);
  CHECK(*pictures.slides[1].fit == media::fit_mode::contain);
  CHECK(*pictures.slides[1].motion == media::motion_kind::in);
  CHECK(pictures.slides[1].focus->x == 0.25);
  CHECK(pictures.slides[1].focus->y == 0.75);
  CHECK(*pictures.slides[2].motion == media::motion_kind::left);
  REQUIRE(pictures.transitions.size() == 2);
  CHECK(pictures.transitions[0].kind == media::transition_kind::wipeleft);
  CHECK(pictures.transitions[1].random);
  CHECK(pictures.poster);
  CHECK(*pictures.poster_time == 4.5);

  auto random = jobs::apply_job_fields(json{{"transition", "random"}, {"poster", true}, {"slide_starts", {0, 1.5}}},
                                      media::render_spec{});
  REQUIRE(random);
  CHECK(random->pictures.random_transition);
  CHECK(random->pictures.poster);
  CHECK_FALSE(random->pictures.poster_time);
  CHECK(random->pictures.slide_starts == std::vector<double>{0, 1.5});
  // The defaults: cover on black, auto motion, no poster.
  media::picture_options defaults;
  CHECK(defaults.fit == media::fit_mode::cover);
  CHECK(defaults.background == media::rgb_color{0, 0, 0});
  CHECK(defaults.motion == media::motion_kind::automatic);
  CHECK_FALSE(defaults.poster);
}

TEST_CASE("bad picture fields name the field", "[job_request][pictures]") {
  check_refused({{"image_paths", {"/1.png"}}, {"slides", {"/1.png"}}}, "slides", "give image_paths or slides, not both");
  check_refused({{"fit", "stretch"}}, "fit", "fit must be one of cover, contain or blur (got \"stretch\")");
  check_refused({{"fit", 1}}, "fit", "fit must be a string");
  check_refused({{"background", "black"}}, "background",
                "background must be a colour as \"#RRGGBB\" or \"#RGB\" (got \"black\")");
  check_refused({{"motion", "spin"}}, "motion",
                "motion must be one of auto, in, out, left, right, up, down or none (got \"spin\")");
  check_refused({{"transitions", {"crossfade", "dissolve"}}}, "transitions",
                "transitions[1] must be one of crossfade, fadeblack, fadewhite, none, slideleft, slideright, slideup, "
                "slidedown, wipeleft, wiperight, wipeup, wipedown, zoom, circle or random (got \"dissolve\")");
  check_refused({{"transitions", "crossfade"}}, "transitions",
                "transitions must be a list of transition names, one per boundary between slides");
  check_refused({{"slides", "/1.png"}}, "slides", "slides must be a list of slide objects");
  check_refused({{"slides", {1}}}, "slides[0]", "slides[0] must be an object such as {\"path\": \"a.png\", \"duration\": 2.5}");
  check_refused({{"slides", {{{"path", "/1.png"}, {"durration", 2}}}}}, "slides[0].durration",
                "slides[0] has an unknown field \"durration\" (a slide has path, duration, fit, motion and focus)");
  check_refused({{"slides", {{{"path", "/1.png"}, {"duration", "2s"}}}}}, "slides[0].duration",
                "slides[0].duration must be a number of seconds");
  check_refused({{"slides", {{{"path", "/1.png"}, {"focus", {0.5}}}}}}, "slides[0].focus",
                "slides[0].focus must be [x, y], fractions of the picture between 0 and 1");
  check_refused({{"slides", {{{"path", 7}}}}}, "slides[0].path", "slides[0].path must be a string");
  check_refused({{"slides", {{{"path", "/1.png"}, {"fit", "fill"}}}}}, "slides[0].fit",
                "slides[0].fit must be one of cover, contain or blur (got \"fill\")");
  check_refused({{"slide_starts", {0, "1"}}}, "slide_starts", "slide_starts must be a number of seconds");
  check_refused({{"poster", "yes"}}, "poster", "poster must be true, false or a time in seconds (got \"yes\")");
}
