// Per-slide decisions: names and their errors, durations and starts on the
// timeline (frame-exact), transitions per boundary, motions and the zoom of
// the working images, and validation naming each field.

#include "media/picture_options.hpp"
#include "media/poster.hpp"
#include "media/slide_plan.hpp"

#include <catch2/catch.hpp>

#include <set>

using namespace vs;
using namespace vs::media;

namespace {

render_spec job(int slides) {
  render_spec spec;
  spec.audio_path = "a.mp3";
  spec.output_path = "out.mp4";
  spec.fps = 10;
  for (int i = 0; i < slides; ++i)
    spec.image_paths.push_back("slide" + std::to_string(i) + ".png");
  return spec;
}

/// The first frame that shows each slide alone after a cut (transition none).
std::vector<int64_t> first_frames(const timeline& t) {
  std::vector<int64_t> frames;
  int shown = -1;
  for (int64_t k = 0; k < t.frame_count(); ++k) {
    int slide = t.plan(k).first;
    if (slide != shown) {
      frames.push_back(k);
      shown = slide;
    }
  }
  return frames;
}

void expect_invalid(const render_spec& spec, const std::string& field, const std::string& message) {
  auto checked = validate(spec, render_limits{});
  REQUIRE_FALSE(checked);
  CHECK(checked.error().code == errc::invalid_argument);
  CHECK(checked.error().field == field);
  CHECK(checked.error().message == message);
}

} // namespace

TEST_CASE("names parse and unknown ones list the valid ones", "[pictures]") {
  CHECK(all_transitions().size() >= 12);
  for (auto kind : all_transitions())
    CHECK(*parse_transition(to_string(kind)) == kind);
  auto unknown = parse_transition("dissolve");
  REQUIRE_FALSE(unknown);
  CHECK(unknown.error().field == "transition");
  CHECK(unknown.error().message ==
        "transition must be one of crossfade, fadeblack, fadewhite, none, slideleft, slideright, slideup, "
        "slidedown, wipeleft, wiperight, wipeup, wipedown, zoom, circle or random (got \"dissolve\")");
  CHECK(parse_transition_choice("random", "transition")->random);
  CHECK(parse_fit("blur").value() == fit_mode::blur);
  CHECK(parse_fit("fill").error().message == "fit must be one of cover, contain or blur (got \"fill\")");
  CHECK(parse_motion("auto").value() == motion_kind::automatic);
  CHECK(parse_motion("zoom", "slides[1].motion").error().message ==
        "slides[1].motion must be one of auto, in, out, left, right, up, down or none (got \"zoom\")");
  CHECK(parse_color("#FF8000").value() == rgb_color{255, 128, 0});
  CHECK(parse_color("#f80").value() == rgb_color{255, 136, 0});
  CHECK(to_string(rgb_color{1, 2, 255}) == "#0102ff");
  for (const char* bad : {"red", "#12345", "#12345g", "FF8000", ""})
    CHECK(parse_color(bad).error().message ==
          std::string("background must be a colour as \"#RRGGBB\" or \"#RGB\" (got \"") + bad + "\")");
}

TEST_CASE("slide durations put the cuts on exactly the expected frames", "[pictures]") {
  auto spec = job(3);
  spec.sync_to_audio = false;
  spec.transition_duration = 0;
  spec.pictures.slides = {{1.0, {}, {}, {}}, {2.5, {}, {}, {}}, {0.3, {}, {}, {}}};
  auto t = lay_out_slides(spec, std::nullopt);
  REQUIRE(t);
  CHECK(t->frame_count() == 38);
  CHECK(first_frames(*t) == std::vector<int64_t>{0, 10, 35});
}

TEST_CASE("with transition none a slide shows for exactly its duration", "[pictures]") {
  auto spec = job(3);
  spec.sync_to_audio = false;
  spec.transition = transition_kind::none;  // transition_duration stays 0.5: no overlap at a cut
  spec.pictures.slides = {{1.0, {}, {}, {}}, {2.5, {}, {}, {}}, {0.3, {}, {}, {}}};
  auto t = lay_out_slides(spec, std::nullopt);
  REQUIRE(t);
  CHECK(t->frame_count() == 38);
  CHECK(first_frames(*t) == std::vector<int64_t>{0, 10, 35});
  // A crossfade at the second boundary only: its slides overlap there.
  spec.pictures.transitions = {{false, transition_kind::none}, {false, transition_kind::crossfade}};
  t = lay_out_slides(spec, std::nullopt);
  REQUIRE(t);
  CHECK(t->slide_start(1) == Approx(1.0));
  CHECK(t->slide_end(1) - t->slide_start(2) == Approx(0.15));  // half the 0.3 s slide
}

TEST_CASE("slides without a duration share what the narration leaves", "[pictures]") {
  auto spec = job(4);
  spec.transition_duration = 0;
  spec.pictures.slides.resize(4);
  spec.pictures.slides[1].duration = 1.0;
  spec.pictures.slides[2].duration = 3.0;
  // 10 s of narration: 6 s left for slides 0 and 3, 3 s each.
  auto t = lay_out_slides(spec, 10.0);
  REQUIRE(t);
  CHECK(t->frame_count() == 100);
  CHECK(first_frames(*t) == std::vector<int64_t>{0, 30, 40, 70});

  // With transitions the free slides still fill the narration exactly.
  spec.transition_duration = 0.5;
  t = lay_out_slides(spec, 10.0);
  REQUIRE(t);
  CHECK(t->frame_count() == 100);
  CHECK(t->slide_end(3) == Approx(10.0));
  CHECK(t->slide_end(1) - t->slide_start(1) == Approx(1.0));
  CHECK(t->slide_end(2) - t->slide_start(2) == Approx(3.0));
}

TEST_CASE("with every slide fixed the last one holds until the narration ends", "[pictures]") {
  auto spec = job(2);
  spec.transition_duration = 0;
  spec.pictures.slides = {{1.0, {}, {}, {}}, {1.0, {}, {}, {}}};
  auto t = lay_out_slides(spec, 5.0);
  REQUIRE(t);
  CHECK(t->frame_count() == 50);
  CHECK(first_frames(*t) == std::vector<int64_t>{0, 10});

  auto longer = lay_out_slides(spec, 1.5);
  REQUIRE_FALSE(longer);
  CHECK(longer.error().field == "slides");
  CHECK(longer.error().message == "the slides' durations add up to 2 s with their transitions, longer than the 1.5 s "
                                  "narration: shorten them, or set sync_to_audio to false to trim the narration");
  spec.pictures.slides = {{4.0, {}, {}, {}}, {}};
  auto squeezed = lay_out_slides(spec, 4.05);
  REQUIRE_FALSE(squeezed);
  CHECK(squeezed.error().field == "slides");
  CHECK(squeezed.error().message == "the slides' durations add up to 4 s of the 4.05 s narration, leaving less "
                                    "than one frame (0.1 s at 10 fps) to each of the 1 slides without a duration: "
                                    "shorten the durations");
}

TEST_CASE("slide_starts place each cut on the nearest frame", "[pictures]") {
  auto spec = job(4);
  spec.transition = transition_kind::none;
  spec.transition_duration = 0.4;
  spec.pictures.slide_starts = {0, 1.23, 2.0, 4.46};
  auto t = lay_out_slides(spec, 6.0);
  REQUIRE(t);
  CHECK(t->frame_count() == 60);
  // A hard cut in the middle of the overlap: at the start itself, rounded to a frame.
  CHECK(first_frames(*t) == std::vector<int64_t>{0, 12, 20, 45});
  // A crossfade is centred on each start.
  spec.transition = transition_kind::crossfade;
  t = lay_out_slides(spec, 6.0);
  REQUIRE(t);
  CHECK(t->slide_start(1) == Approx(1.2 - 0.2));
  CHECK(t->slide_end(0) == Approx(1.2 + 0.2));
  CHECK(t->plan(12).mix == Approx(0.5));

  auto late = lay_out_slides(spec, 4.4);
  REQUIRE_FALSE(late);
  CHECK(late.error().field == "slide_starts");
  CHECK(late.error().message == "slide_starts[3] (4.46 s) is not before the end of the narration (4.4 s)");
}

TEST_CASE("a transition never outlasts the slides around it", "[pictures]") {
  auto spec = job(3);
  spec.transition_duration = 2.0;
  spec.pictures.slide_starts = {0, 1.0, 1.5};
  auto t = lay_out_slides(spec, 4.0);
  REQUIRE(t);
  // Slide 1 has 0.5 s of its own: the overlaps shrink to it.
  CHECK(t->transition() == Approx(0.5));
  for (int slide = 1; slide < 3; ++slide)
    CHECK(t->slide_start(slide) < t->slide_end(slide - 1));
  CHECK(t->slide_end(0) <= t->slide_start(2) + 1e-9);
}

TEST_CASE("every boundary gets its own transition", "[pictures]") {
  auto spec = job(4);
  spec.pictures.transitions = {{false, transition_kind::wipeleft},
                               {true, transition_kind::crossfade},
                               {false, transition_kind::circle}};
  auto kinds = boundary_transitions(spec, 4);
  REQUIRE(kinds.size() == 3);
  CHECK(kinds[0] == transition_kind::wipeleft);
  CHECK(kinds[2] == transition_kind::circle);
  auto t = lay_out_slides(spec, 8.0);
  REQUIRE(t);
  CHECK(t->transition_into(1) == transition_kind::wipeleft);
  CHECK(t->transition_into(3) == transition_kind::circle);
}

TEST_CASE("random transitions come from the seed, differ by boundary and never cut", "[pictures]") {
  auto spec = job(40);
  spec.pictures.random_transition = true;
  spec.seed = 7;
  auto kinds = boundary_transitions(spec, 40);
  CHECK(kinds == boundary_transitions(spec, 40));
  std::set<transition_kind> distinct(kinds.begin(), kinds.end());
  CHECK(distinct.size() >= 8);
  CHECK(distinct.count(transition_kind::none) == 0);
  spec.seed = 8;
  CHECK(kinds != boundary_transitions(spec, 40));
}

TEST_CASE("motions, their zoom and the still default without Ken Burns", "[pictures]") {
  auto spec = job(3);
  spec.zoom_factor = 1.2;
  CHECK(working_zoom(spec) == 1.2);
  spec.ken_burns = false;
  CHECK(working_zoom(spec) == 1.0);
  CHECK(camera_path_of(spec, 0).to.zoom == 1.0);
  // A motion asked for by name still moves.
  spec.pictures.slides.resize(3);
  spec.pictures.slides[1].motion = motion_kind::in;
  spec.pictures.slides[1].focus = picture_point{0.25, 0.75};
  CHECK(working_zoom(spec) == 1.2);
  auto path = camera_path_of(spec, 1);
  CHECK(path.from.zoom == 1.0);
  CHECK(path.to.zoom == Approx(1.2));
  CHECK(path.picture_focus);
  // A contained picture in the right half of the frame: the focus lands where the picture puts it.
  auto placed = in_working_image(path, picture_area{100, 0, 100, 100}, working_size{200, 100});
  CHECK(placed.to.focus_x == Approx(0.625));
  CHECK(placed.to.focus_y == Approx(0.75));
  spec.pictures.slides[1].motion = motion_kind::left;
  auto pan = camera_path_of(spec, 1);
  CHECK(pan.from.focus_x == 0.0);
  CHECK(pan.to.focus_x == 1.0);
  CHECK(pan.from.zoom == Approx(1.2));
}

TEST_CASE("picture fields are checked and named", "[pictures]") {
  auto spec = job(3);
  spec.pictures.slides.resize(2);
  expect_invalid(spec, "slides", "slides has 2 entries but the job has 3 slides");
  spec.pictures.slides.resize(3);
  spec.pictures.slides[1].duration = 0.05;
  expect_invalid(spec, "slides[1].duration",
                 "slides[1].duration must be at least one frame (0.1 s at 10 fps) and at most 10800 s (got 0.05)");
  spec.pictures.slides[1].duration.reset();
  spec.pictures.slides[2].focus = picture_point{0.5, 1.5};
  expect_invalid(spec, "slides[2].focus", "slides[2].focus must be [x, y], fractions of the picture between 0 and 1");
  spec.pictures.slides[2].focus.reset();
  spec.image_paths[0].clear();
  expect_invalid(spec, "slides[0].path", "slides[0].path must name an image file");
  spec.image_paths[0] = "a.png";
  spec.pictures.slide_starts = {0.5, 1, 2};
  expect_invalid(spec, "slide_starts", "slide_starts must begin with 0 (got 0.5)");
  spec.pictures.slide_starts = {0, 2, 2.05};
  expect_invalid(spec, "slide_starts",
                 "slide_starts[2] (2.05 s) must come at least one frame (0.1 s at 10 fps) after slide_starts[1] (2 s)");
  spec.pictures.slide_starts = {0, 2};
  expect_invalid(spec, "slide_starts", "slide_starts has 2 entries but the job has 3 slides");
  spec.pictures.slide_starts = {0, 1, 2};
  spec.pictures.slides[0].duration = 1.0;
  expect_invalid(spec, "slide_starts", "give slides[].duration or slide_starts, not both");
  spec.pictures.slides[0].duration.reset();
  spec.pictures.transitions.resize(1);
  expect_invalid(spec, "transitions", "transitions has 1 entries but 3 slides have 2 boundaries");
  spec.pictures.transitions.clear();
  spec.pictures.poster = true;
  spec.pictures.poster_time = -1;
  expect_invalid(spec, "poster", "poster must be true, false or a time in seconds from 0 (got -1)");
  spec.pictures.poster_time = 40;
  spec.sync_to_audio = false;  // slide_starts {0, 1, 2}: the last slide lasts slide_duration
  expect_invalid(spec, "poster", "poster at 40 s is past the end of the video (5 s)");
  spec.pictures.poster_time = 2;
  CHECK(validate(spec, render_limits{}));
}

TEST_CASE("the poster frame defaults to the middle of the first slide alone", "[pictures]") {
  auto spec = job(3);
  spec.pictures.poster = true;
  auto t = lay_out_slides(spec, 9.0);  // d = (9 + 1)/3, slide 1 appears at 2.83 s
  REQUIRE(t);
  CHECK(poster_frame(spec, *t).value() == std::optional<int64_t>(14));
  spec.pictures.poster_time = 9.0;  // the very end: the last frame
  CHECK(poster_frame(spec, *t).value() == std::optional<int64_t>(89));
  spec.pictures.poster = false;
  CHECK_FALSE(poster_frame(spec, *t).value());
  CHECK(poster_path_for("/out/video/abc.mp4") == "/out/video/abc.jpg");
}
