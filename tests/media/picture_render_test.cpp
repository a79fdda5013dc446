// The picture features end to end: real inputs rendered by media::render_video
// into real MP4s (x264 lossless where pixels are compared exactly), decoded
// back with libavcodec and checked pixel by pixel: fit modes, every
// transition, cuts on exactly the expected frames, a video that ends with the
// narration, and the poster JPEG against the video's own frame.

#include "media/fit_compose.hpp"
#include "media/poster.hpp"
#include "media/render_job.hpp"
#include "media/slide_plan.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/picture_checks.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <filesystem>

using namespace vs;
using namespace vs::media;

namespace {

/// A small still job (no camera motion) encoded losslessly.
render_spec still_job(const test::temp_dir& dir, int width, int height) {
  render_spec spec;
  spec.output_path = dir.file("out.mp4");
  spec.width = width;
  spec.height = height;
  spec.fps = 12;
  spec.preset = "ultrafast";
  spec.crf = 0;  // lossless: decoded pixels are the rendered ones
  spec.render_threads = 2;
  spec.sync_to_audio = false;
  spec.slide_duration = 1.0;
  spec.transition_duration = 0.0;
  spec.pictures.motion = motion_kind::none;
  return spec;
}

/// A 64x64 still job over a 3 s narration, cut without transitions.
render_spec narrated_cuts_job(const test::temp_dir& dir) {
  render_spec spec = still_job(dir, 64, 64);
  spec.sync_to_audio = true;
  spec.audio_path = dir.file("voice.wav");
  test::write_test_audio(spec.audio_path, 3.0);
  spec.transition = transition_kind::none;
  return spec;
}

std::vector<test::decoded_frame> render_and_decode(const render_spec& spec) {
  auto result = render_video(spec, render_limits{});
  INFO((result ? std::string() : result.error().message));
  REQUIRE(result);
  return test::decode_frames(spec.output_path);
}

uint8_t y_at(const test::decoded_frame& f, int x, int y) { return f.y[static_cast<size_t>(y) * f.width + x]; }
uint8_t u_at(const test::decoded_frame& f, int x, int y) { return f.u[static_cast<size_t>(y / 2) * (f.width / 2) + x / 2]; }
uint8_t v_at(const test::decoded_frame& f, int x, int y) { return f.v[static_cast<size_t>(y / 2) * (f.width / 2) + x / 2]; }

bool inside(const crop_rect& r, int x, int y) { return x >= r.x && x < r.x + r.width && y >= r.y && y < r.y + r.height; }

/// Every pixel of `frame` outside `place` is exactly `color`; returns how many there are.
int check_bars(const test::decoded_frame& frame, const crop_rect& place, rgb_color color) {
  const yuv_color expected = to_yuv(color);
  int bars = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x) {
      if (inside(place, x, y))
        continue;
      ++bars;
      INFO("x " << x << " y " << y);
      REQUIRE(y_at(frame, x, y) == expected.y);
      REQUIRE(u_at(frame, x, y) == expected.u);
      REQUIRE(v_at(frame, x, y) == expected.v);
    }
  return bars;
}

/// The picture of test::write_framed_png lies whole at `place`: nothing was cut.
void check_whole_picture(const test::decoded_frame& frame, const crop_rect& place) {
  test::check_framed_picture_whole([&](int x, int y) { return v_at(frame, x, y); }, to_yuv({255, 0, 0}).v, place.x,
                                   place.y, place.width, place.height);
}

struct fit_case {
  int source_width, source_height, width, height;
};

/// A tall picture in a landscape frame and a wide one in a portrait frame.
const fit_case fit_cases[] = {{60, 200, 320, 180}, {400, 100, 180, 320}};

/// Luma statistics of everything outside `place`.
struct band_stats {
  double mean = 0;
  double spread = 0;
};

band_stats band_of(const test::decoded_frame& frame, const crop_rect& place) {
  double sum = 0, squares = 0;
  int count = 0;
  for (int y = 0; y < frame.height; ++y)
    for (int x = 0; x < frame.width; ++x)
      if (!inside(place, x, y)) {
        const double value = y_at(frame, x, y);
        sum += value;
        squares += value * value;
        ++count;
      }
  band_stats stats;
  stats.mean = sum / count;
  stats.spread = std::sqrt(std::max(0.0, squares / count - stats.mean * stats.mean));
  return stats;
}

/// The solid slide colours of the timing tests, far apart in luma.
const rgb_color solid_colors[] = {{20, 20, 20}, {235, 235, 235}, {40, 160, 40}, {200, 40, 40}};

/// Index into solid_colors of the colour `frame` shows (checked on its centre and a corner).
int colour_of(const test::decoded_frame& frame) {
  for (int i = 0; i < 4; ++i) {
    const yuv_color c = to_yuv(solid_colors[i]);
    if (std::abs(y_at(frame, frame.width / 2, frame.height / 2) - c.y) <= 2 && std::abs(y_at(frame, 0, 0) - c.y) <= 2)
      return i;
  }
  return -1;
}

/// The first frame of each run of one colour.
std::vector<int64_t> colour_changes(const std::vector<test::decoded_frame>& frames) {
  std::vector<int64_t> changes;
  int last = -2;
  for (size_t k = 0; k < frames.size(); ++k) {
    const int colour = colour_of(frames[k]);
    INFO("frame " << k);
    REQUIRE(colour >= 0);
    if (colour != last)
      changes.push_back(static_cast<int64_t>(k));
    last = colour;
  }
  return changes;
}

/// Writes solid slides of solid_colors[colours[i]] and puts them in `spec`.
void solid_slides(const test::temp_dir& dir, render_spec& spec, const std::vector<int>& colours) {
  spec.image_paths.clear();
  for (size_t i = 0; i < colours.size(); ++i) {
    const rgb_color c = solid_colors[colours[i]];
    spec.image_paths.push_back(dir.file("solid" + std::to_string(i) + ".png"));
    test::write_solid_png(spec.image_paths.back(), 32, 32, c.r, c.g, c.b);
  }
}

bool identical(const test::decoded_frame& a, const test::decoded_frame& b) { return a.y == b.y && a.u == b.u && a.v == b.v; }

/// Share of a frame's pixels whose luma is within 3 of `value`.
double share_near(const test::decoded_frame& frame, int value) {
  const auto near = std::count_if(frame.y.begin(), frame.y.end(), [&](uint8_t y) { return std::abs(y - value) <= 3; });
  return double(near) / double(frame.y.size());
}

/// Mean luma of a box of a frame: x0..x1, y0..y1 as fractions of its size.
double box_luma(const test::decoded_frame& frame, double x0, double y0, double x1, double y1) {
  double sum = 0;
  int count = 0;
  for (int y = int(y0 * frame.height); y < int(y1 * frame.height); ++y)
    for (int x = int(x0 * frame.width); x < int(x1 * frame.width); ++x, ++count)
      sum += y_at(frame, x, y);
  return sum / count;
}

} // namespace

TEST_CASE("contain in a rendered video: bars exactly the background colour, the whole picture kept", "[pictures][render]") {
  const rgb_color background{0x20, 0x40, 0xC0};
  for (const fit_case& c : fit_cases) {
    test::temp_dir dir;
    render_spec spec = still_job(dir, c.width, c.height);
    spec.image_paths = {dir.file("framed.png")};
    test::write_framed_png(spec.image_paths[0], c.source_width, c.source_height);
    spec.pictures.fit = fit_mode::contain;
    spec.pictures.background = background;
    auto frames = render_and_decode(spec);
    REQUIRE(frames.size() == 12);
    const crop_rect place = contain_rect(c.source_width, c.source_height, {c.width, c.height});
    INFO(c.width << "x" << c.height << ": picture at " << place.x << "," << place.y << " " << place.width << "x"
                 << place.height);
    CHECK(check_bars(frames[6], place, background) > c.width * c.height / 3);
    check_whole_picture(frames[6], place);
  }
}

TEST_CASE("blur in a rendered video: the whole picture over a blurred, darkened fill", "[pictures][render]") {
  for (const fit_case& c : fit_cases) {
    test::temp_dir dir;
    render_spec spec = still_job(dir, c.width, c.height);
    spec.crf = 10;
    spec.image_paths = {dir.file("framed.png")};
    test::write_framed_png(spec.image_paths[0], c.source_width, c.source_height);
    spec.pictures.fit = fit_mode::blur;
    auto frames = render_and_decode(spec);
    const crop_rect place = contain_rect(c.source_width, c.source_height, {c.width, c.height});
    INFO(c.width << "x" << c.height);
    check_whole_picture(frames[6], place);
    const band_stats band = band_of(frames[6], place);
    CHECK(band.mean > 40);   // not black
    CHECK(band.spread > 3);  // not flat
    // Blurred: the band has none of the picture's sharp red frame, which a
    // stretched copy would show at its edges.
    const int red_v = to_yuv({255, 0, 0}).v;
    int red_in_band = 0;
    for (int y = 0; y < frames[6].height; ++y)
      for (int x = 0; x < frames[6].width; ++x)
        if (!inside(place, x, y) && std::abs(v_at(frames[6], x, y) - red_v) <= 20)
          ++red_in_band;
    CHECK(red_in_band == 0);
  }
}

TEST_CASE("a transparent picture shows the background colour in a rendered video", "[pictures][render]") {
  test::temp_dir dir;
  render_spec spec = still_job(dir, 64, 64);
  spec.image_paths = {dir.file("alpha.png")};
  test::write_test_png(spec.image_paths[0], 64, 64, 4);  // alpha falls off towards the left edge
  const rgb_color background{0, 200, 0};
  spec.pictures.background = background;
  auto frames = render_and_decode(spec);
  const yuv_color expected = to_yuv(background);
  // The leftmost column is fully transparent: the background, not black.
  CHECK(std::abs(y_at(frames[0], 0, 32) - expected.y) <= 2);
  CHECK(std::abs(u_at(frames[0], 0, 32) - expected.u) <= 2);
  CHECK(std::abs(v_at(frames[0], 0, 32) - expected.v) <= 2);
}

TEST_CASE("every transition in a rendered video: pure slides at the ends of the overlap, both in the middle",
          "[pictures][render][transitions]") {
  test::temp_dir dir;
  render_spec spec = still_job(dir, 96, 64);
  // 6 frames of overlap at 12 fps and 6 frames of each slide alone between; slides start on whole frames.
  spec.slide_duration = 1.5;
  spec.transition_duration = 0.5;
  const auto& kinds = all_transitions();
  std::vector<int> colours;
  for (size_t i = 0; i <= kinds.size(); ++i)
    colours.push_back(static_cast<int>(i % 2));  // dark, light, dark, …
  solid_slides(dir, spec, colours);
  for (auto kind : kinds)
    spec.pictures.transitions.push_back({false, kind});
  auto frames = render_and_decode(spec);
  auto laid = lay_out_slides(spec, std::nullopt);
  REQUIRE(laid);
  REQUIRE(frames.size() == static_cast<size_t>(laid->frame_count()));

  const int dark = to_yuv(solid_colors[0]).y;
  const int light = to_yuv(solid_colors[1]).y;
  for (size_t boundary = 0; boundary < kinds.size(); ++boundary) {
    const transition_kind kind = kinds[boundary];
    const int into = static_cast<int>(boundary) + 1;
    const auto start = static_cast<int64_t>(std::llround(laid->slide_start(into) * spec.fps));
    const auto end = static_cast<int64_t>(std::llround(laid->slide_end(into - 1) * spec.fps));
    INFO(to_string(kind) << ": overlap frames " << start << ".." << end);
    REQUIRE(end - start == 6);
    const int from_luma = into % 2 == 1 ? dark : light;
    const int to_luma = into % 2 == 1 ? light : dark;
    // The overlap begins on the old slide alone and ends on the new one alone.
    CHECK(identical(frames[start], frames[start - 1]));
    CHECK(share_near(frames[start], from_luma) == 1.0);
    CHECK(identical(frames[end], frames[end + 1]));
    CHECK(share_near(frames[end], to_luma) == 1.0);
    const test::decoded_frame& middle = frames[static_cast<size_t>(start + 3)];
    switch (kind) {
      case transition_kind::fadeblack:
        CHECK(middle.mean_luma() == Approx(16).margin(1));
        break;
      case transition_kind::fadewhite:
        CHECK(middle.mean_luma() == Approx(235).margin(1));
        break;
      case transition_kind::none:  // a cut in the middle: the new slide
        CHECK(share_near(middle, to_luma) == 1.0);
        break;
      case transition_kind::crossfade:
      case transition_kind::zoom: {  // a blend everywhere
        const double halfway = (dark + light) / 2.0;
        CHECK(y_at(middle, 48, 32) == Approx(halfway).margin(24));
        CHECK(share_near(middle, dark) + share_near(middle, light) < 0.05);
        break;
      }
      default: {  // both slides side by side
        CHECK(share_near(middle, from_luma) > 0.3);
        CHECK(share_near(middle, to_luma) > 0.3);
        auto near = [](double value, int luma) { return std::abs(value - luma) < 10; };
        const double left = box_luma(middle, 0, 0, 0.2, 1), right = box_luma(middle, 0.8, 0, 1, 1);
        const double top = box_luma(middle, 0, 0, 1, 0.2), bottom = box_luma(middle, 0, 0.8, 1, 1);
        if (kind == transition_kind::slideleft || kind == transition_kind::wipeleft)
          CHECK((near(left, from_luma) && near(right, to_luma)));
        if (kind == transition_kind::slideright || kind == transition_kind::wiperight)
          CHECK((near(left, to_luma) && near(right, from_luma)));
        if (kind == transition_kind::slideup || kind == transition_kind::wipeup)
          CHECK((near(top, from_luma) && near(bottom, to_luma)));
        if (kind == transition_kind::slidedown || kind == transition_kind::wipedown)
          CHECK((near(top, to_luma) && near(bottom, from_luma)));
        if (kind == transition_kind::circle)
          CHECK((near(box_luma(middle, 0.45, 0.45, 0.55, 0.55), to_luma) && near(y_at(middle, 0, 0), from_luma)));
        break;
      }
    }
  }
}

TEST_CASE("slide durations change the picture on exactly the expected frames", "[pictures][render][timing]") {
  test::temp_dir dir;
  render_spec spec = still_job(dir, 64, 64);
  spec.transition = transition_kind::none;
  spec.transition_duration = 0.5;  // no overlap at a cut
  solid_slides(dir, spec, {0, 1, 2});
  spec.pictures.slides = {{1.0, {}, {}, {}}, {2.5, {}, {}, {}}, {0.3, {}, {}, {}}};
  auto frames = render_and_decode(spec);
  // 1.0 s, 2.5 s and 0.3 s at 12 fps: 12, 30 and 3.6 → 4 frames (the end on the nearest frame).
  CHECK(frames.size() == 46);
  CHECK(colour_changes(frames) == std::vector<int64_t>{0, 12, 42});
}

TEST_CASE("slide durations with a narration: the free slide takes the rest and the video ends with the audio",
          "[pictures][render][timing]") {
  test::temp_dir dir;
  render_spec spec = narrated_cuts_job(dir);
  solid_slides(dir, spec, {0, 1, 2});
  spec.pictures.slides = {{1.0, {}, {}, {}}, {}, {0.5, {}, {}, {}}};
  auto frames = render_and_decode(spec);
  CHECK(frames.size() == 36);
  CHECK(colour_changes(frames) == std::vector<int64_t>{0, 12, 30});
  const auto info = test::probe_mp4(spec.output_path);
  REQUIRE(info.audio.present);
  CHECK(info.video.duration == Approx(3.0).margin(1.0 / 12));
  CHECK(info.audio.duration == Approx(3.0).margin(0.05));
}

TEST_CASE("slide_starts put each cut on the nearest frame and the video ends with the narration",
          "[pictures][render][timing]") {
  test::temp_dir dir;
  render_spec spec = narrated_cuts_job(dir);
  solid_slides(dir, spec, {0, 1, 2, 3});
  // 1.3 s is frame 15.6 → 16; 2.04 s is 24.48 → 24; 2.71 s is 32.52 → 33.
  spec.pictures.slide_starts = {0, 1.3, 2.04, 2.71};
  auto frames = render_and_decode(spec);
  CHECK(frames.size() == 36);
  CHECK(colour_changes(frames) == std::vector<int64_t>{0, 16, 24, 33});
  CHECK(test::probe_mp4(spec.output_path).video.duration == Approx(3.0).margin(1.0 / 12));
}

TEST_CASE("the poster is the video's own frame as a JPEG of the output size", "[pictures][render][poster]") {
  test::temp_dir dir;
  render_spec spec = still_job(dir, 320, 180);
  spec.crf = 20;
  spec.pictures.motion = motion_kind::automatic;  // a moving camera: the poster must be the right frame
  spec.transition_duration = 0.5;
  spec.image_paths = {dir.file("a.png"), dir.file("b.jpg")};
  test::write_test_png(spec.image_paths[0], 640, 480, 3, 1);
  test::write_test_jpeg(spec.image_paths[1], 480, 640, 2);
  spec.pictures.fit = fit_mode::blur;

  SECTION("by default the middle of the first slide alone") {
    spec.pictures.poster = true;
  }
  SECTION("at a time") {
    spec.pictures.poster = true;
    spec.pictures.poster_time = 1.25;
  }
  auto result = render_video(spec, render_limits{});
  REQUIRE(result);
  CHECK(result->poster_path == dir.file("out.jpg"));
  auto laid = lay_out_slides(spec, std::nullopt);
  REQUIRE(laid);
  auto frame = poster_frame(spec, *laid);
  REQUIRE(frame);
  REQUIRE(*frame);
  // The default: the middle of 0 .. 0.5 s (the first slide before the overlap) is frame 3 at 12 fps.
  CHECK(**frame == (spec.pictures.poster_time ? 15 : 3));
  auto frames = test::decode_frames(spec.output_path);
  auto poster = test::jpeg_luma(result->poster_path);
  CHECK(poster.width == 320);
  CHECK(poster.height == 180);
  const double psnr = test::luma_psnr(poster, frames[static_cast<size_t>(**frame)]);
  INFO("PSNR " << psnr << " dB");
  CHECK(psnr > 35);
  // A neighbouring frame matches less well: the poster is that very frame.
  CHECK(test::luma_psnr(poster, frames[static_cast<size_t>(**frame - 3)]) < psnr);
}

TEST_CASE("no poster unless asked, and a poster time past the end is refused naming the field",
          "[pictures][render][poster]") {
  test::temp_dir dir;
  render_spec spec = still_job(dir, 64, 64);
  spec.image_paths = {dir.file("a.png")};
  test::write_test_png(spec.image_paths[0], 64, 64);
  auto plain = render_video(spec, render_limits{});
  REQUIRE(plain);
  CHECK(plain->poster_path.empty());
  CHECK_FALSE(std::filesystem::exists(dir.file("out.jpg")));

  spec.output_path = dir.file("late.mp4");
  spec.pictures.poster = true;
  spec.pictures.poster_time = 5.0;
  auto late = render_video(spec, render_limits{});
  REQUIRE_FALSE(late);
  CHECK(late.error().code == errc::invalid_argument);
  CHECK(late.error().field == "poster");
  CHECK_FALSE(std::filesystem::exists(dir.file("late.mp4")));
  CHECK_FALSE(std::filesystem::exists(dir.file("late.jpg")));
}
