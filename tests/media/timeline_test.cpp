#include "media/timeline.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>

using namespace vs::media;

TEST_CASE("synced slides share the audio length with overlaps", "[timeline]") {
  auto t = timeline::synced_to_audio(5, 30.0, 24, 0.5, transition_kind::crossfade);
  REQUIRE(t);
  CHECK(t->transition() == Approx(0.5));
  // d = (A + (n-1)T)/n = (30 + 2)/5
  CHECK(t->slide_duration() == Approx(6.4));
  CHECK(t->frame_count() == 720);
  // The last slide ends exactly with the audio.
  CHECK(t->slide_start(4) + t->slide_duration() == Approx(30.0));
}

TEST_CASE("video covers the audio and ends within one frame of it", "[timeline]") {
  for (double audio : {1.0, 7.3, 12.345, 29.99, 30.0, 61.02}) {
    for (int fps : {24, 25, 30, 60}) {
      auto t = timeline::synced_to_audio(3, audio, fps, 0.5, transition_kind::crossfade);
      REQUIRE(t);
      double video = static_cast<double>(t->frame_count()) / fps;
      INFO("audio " << audio << " fps " << fps);
      CHECK(video >= audio - audio_tail_tolerance_seconds - 1e-9);
      CHECK(video - audio < 1.0 / fps);
    }
  }
}

TEST_CASE("a sub-millisecond tail of audio does not earn one more frame", "[timeline]") {
  // Issue 10: a 30 s narration decoded to 30.0005 s became 1801 frames at
  // 60 fps, a 30.017 s video, while the narration was 30.000 s.
  for (int fps : {24, 25, 30, 60}) {
    INFO("fps " << fps);
    CHECK(frames_covering_audio(30.0005, fps) == 30 * fps);
    CHECK(frames_covering_audio(30.001, fps) == 30 * fps);
    // A tail longer than the tolerance is never cut off: one more frame.
    CHECK(frames_covering_audio(30.0015, fps) == 30 * fps + 1);
    CHECK(frames_covering_audio(30.0, fps) == 30 * fps);
    auto t = timeline::synced_to_audio(3, 30.0005, fps, 0.5, transition_kind::crossfade);
    REQUIRE(t);
    CHECK(t->frame_count() == 30 * fps);
  }
  CHECK(frames_covering_audio(0.0004, 24) == 1);
}

TEST_CASE("transition is clamped to half a slide", "[timeline]") {
  auto t = timeline::synced_to_audio(4, 10.0, 24, 5.0, transition_kind::crossfade);
  REQUIRE(t);
  CHECK(t->transition() == Approx(10.0 / 5));
  CHECK(t->transition() <= t->slide_duration() / 2 + 1e-9);

  auto fixed = timeline::fixed_slides(3, 2.0, 24, 1.5, transition_kind::crossfade);
  REQUIRE(fixed);
  CHECK(fixed->transition() == Approx(1.0));
  CHECK(fixed->duration() == Approx(3 * 2.0 - 2 * 1.0));
  CHECK(fixed->frame_count() == 96);
}

TEST_CASE("a single slide has no transition", "[timeline]") {
  auto t = timeline::synced_to_audio(1, 4.0, 30, 0.5, transition_kind::crossfade);
  REQUIRE(t);
  CHECK(t->transition() == 0.0);
  CHECK(t->slide_duration() == Approx(4.0));
  for (int64_t k = 0; k < t->frame_count(); ++k) {
    auto plan = t->plan(k);
    CHECK(plan.first == 0);
    CHECK(plan.second == -1);
  }
}

TEST_CASE("crossfade frames mix the outgoing and incoming slide", "[timeline]") {
  // 2 slides, 4 s audio, 1 s transition: d = 2.5, slide 1 starts at 1.5, overlap [1.5, 2.5).
  auto t = timeline::synced_to_audio(2, 4.0, 10, 1.0, transition_kind::crossfade);
  REQUIRE(t);
  auto before = t->plan(14);
  CHECK(before.first == 0);
  CHECK(before.second == -1);
  auto middle = t->plan(20);
  CHECK(middle.first == 0);
  CHECK(middle.second == 1);
  CHECK(middle.mix == Approx(0.5));
  auto start = t->plan(15);
  CHECK(start.second == 1);
  CHECK(start.mix == Approx(0.0));
  auto after = t->plan(25);
  CHECK(after.first == 1);
  CHECK(after.second == -1);
  // Progress runs over each slide's whole time on screen.
  CHECK(middle.first_progress == Approx(2.0 / 2.5));
  CHECK(middle.second_progress == Approx(0.5 / 2.5));
}

TEST_CASE("fadeblack goes through black at the middle of the overlap", "[timeline]") {
  auto t = timeline::synced_to_audio(2, 4.0, 10, 1.0, transition_kind::fadeblack);
  REQUIRE(t);
  auto out = t->plan(17);  // p = 0.2
  CHECK(out.first == 0);
  CHECK(out.second == -1);
  CHECK(out.brightness == Approx(0.6));
  auto black = t->plan(20);  // p = 0.5
  CHECK(black.brightness == Approx(0.0).margin(1e-9));
  auto in = t->plan(23);  // p = 0.8
  CHECK(in.first == 1);
  CHECK(in.brightness == Approx(0.6));
}

TEST_CASE("no transition cuts in the middle of the overlap", "[timeline]") {
  auto t = timeline::synced_to_audio(2, 4.0, 10, 1.0, transition_kind::none);
  REQUIRE(t);
  CHECK(t->plan(19).first == 0);
  CHECK(t->plan(20).first == 1);
  CHECK(t->plan(19).second == -1);
  CHECK(t->plan(19).brightness == 1.0);
}

TEST_CASE("every frame shows slides in order and each slide appears", "[timeline]") {
  auto t = timeline::synced_to_audio(7, 23.7, 24, 0.5, transition_kind::crossfade);
  REQUIRE(t);
  int last = 0;
  std::vector<bool> seen(7, false);
  for (int64_t k = 0; k < t->frame_count(); ++k) {
    auto plan = t->plan(k);
    CHECK(plan.first >= last);
    last = plan.first;
    seen[static_cast<size_t>(plan.first)] = true;
    if (plan.second >= 0)
      CHECK(plan.second == plan.first + 1);
    CHECK(k >= t->first_frame_of(plan.first));
    CHECK(k <= t->last_frame_of(plan.first));
  }
  for (bool s : seen)
    CHECK(s);
}

TEST_CASE("bad timelines are refused", "[timeline]") {
  CHECK_FALSE(timeline::synced_to_audio(0, 10, 24, 0.5, transition_kind::crossfade));
  auto tiny = timeline::synced_to_audio(2, 0.01, 24, 0.5, transition_kind::crossfade);
  REQUIRE_FALSE(tiny);
  CHECK(tiny.error().message == "the audio is shorter than one video frame");
}

TEST_CASE("slides shorter than one frame are refused naming the numbers", "[timeline]") {
  // 1000 slides over 4 s at 24 fps: most of them would fall between frames.
  auto synced = timeline::synced_to_audio(1000, 4.0, 24, 0.5, transition_kind::crossfade);
  REQUIRE_FALSE(synced);
  CHECK(synced.error().code == vs::errc::invalid_argument);
  CHECK(synced.error().field == "image_paths");
  CHECK(synced.error().message ==
        "1000 slides over 4 s of audio at 24 fps leave each slide 0.004 s, less than one frame (0.0417 s): "
        "use at most 95 slides, a longer narration or a higher fps");
  // The count the message names fits; one more does not.
  CHECK(timeline::synced_to_audio(95, 4.0, 24, 0.5, transition_kind::crossfade));
  CHECK_FALSE(timeline::synced_to_audio(96, 4.0, 24, 0.5, transition_kind::crossfade));

  // Fixed slides: the overlap (at most half a slide) eats into each slide's share.
  auto fixed = timeline::fixed_slides(3, 0.1, 12, 0.05, transition_kind::crossfade);
  REQUIRE_FALSE(fixed);
  CHECK(fixed.error().code == vs::errc::invalid_argument);
  CHECK(fixed.error().field == "slide_duration");
  CHECK(fixed.error().message ==
        "slide_duration 0.1 s with a 0.05 s transition leaves each slide 0.05 s, less than one frame at 12 fps "
        "(0.0833 s): lengthen slide_duration, shorten transition_duration or raise fps");
  CHECK(timeline::fixed_slides(3, 0.1, 12, 0.0, transition_kind::crossfade));
}

TEST_CASE("at the shortest slides allowed every slide appears on a frame", "[timeline]") {
  for (auto kind : {transition_kind::crossfade, transition_kind::fadeblack, transition_kind::none}) {
    for (int fps : {10, 24, 25, 30, 60}) {
      for (double audio : {2.0, 3.7, 9.99}) {
        int slides = 2;
        while (timeline::synced_to_audio(slides + 1, audio, fps, 0.5, kind))
          ++slides;
        auto t = timeline::synced_to_audio(slides, audio, fps, 0.5, kind);
        REQUIRE(t);
        std::vector<bool> seen(static_cast<size_t>(slides), false);
        for (int64_t k = 0; k < t->frame_count(); ++k) {
          auto plan = t->plan(k);
          if (plan.brightness > 0)
            seen[static_cast<size_t>(plan.first)] = true;
          if (plan.second >= 0)
            seen[static_cast<size_t>(plan.second)] = true;
        }
        INFO("kind " << to_string(kind) << " fps " << fps << " audio " << audio << " slides " << slides);
        CHECK(std::count(seen.begin(), seen.end(), false) == 0);
      }
    }
  }
}
