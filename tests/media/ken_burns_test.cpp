#include "media/ken_burns.hpp"

#include <catch2/catch.hpp>

#include <cmath>
#include <set>

using namespace vs::media;

namespace {
const working_size work{2112, 1188};
}

TEST_CASE("the camera stays inside the working image", "[ken_burns]") {
  for (int slide = 0; slide < 20; ++slide) {
    auto path = plan_camera_path(slide, 42, 1.1, true);
    for (int i = 0; i <= 100; ++i) {
      auto rect = camera_at(path, i / 100.0, work);
      CHECK(rect.x >= -1e-9);
      CHECK(rect.y >= -1e-9);
      CHECK(rect.x + rect.width <= work.width + 1e-9);
      CHECK(rect.y + rect.height <= work.height + 1e-9);
      // Aspect preserved: no stretching.
      CHECK(rect.width / rect.height == Approx(static_cast<double>(work.width) / work.height));
    }
  }
}

TEST_CASE("zoom goes from 1 to zoom_factor and alternates in and out", "[ken_burns]") {
  auto first = plan_camera_path(0, 0, 1.1, true);
  auto second = plan_camera_path(1, 0, 1.1, true);
  CHECK(std::min(first.from.zoom, first.to.zoom) == 1.0);
  CHECK(std::max(first.from.zoom, first.to.zoom) == Approx(1.1));
  bool first_zooms_in = first.to.zoom > first.from.zoom;
  bool second_zooms_in = second.to.zoom > second.from.zoom;
  CHECK(first_zooms_in != second_zooms_in);
  // At zoom_factor the window is the output size: sampled 1:1.
  auto close = camera_at(first_zooms_in ? first : second, 1.0, work);
  CHECK(close.width == Approx(1920.0));
  CHECK(close.height == Approx(1080.0));
}

TEST_CASE("pan directions vary with the slide and are fixed by the seed", "[ken_burns]") {
  std::set<std::pair<double, double>> focus;
  for (int slide = 0; slide < 12; ++slide) {
    auto a = plan_camera_path(slide, 7, 1.2, true);
    auto b = plan_camera_path(slide, 7, 1.2, true);
    CHECK(a.to.focus_x == b.to.focus_x);
    CHECK(a.from.focus_y == b.from.focus_y);
    auto close = a.to.zoom > a.from.zoom ? a.to : a.from;
    focus.insert({close.focus_x, close.focus_y});
  }
  CHECK(focus.size() >= 4);
  // Another seed gives another sequence.
  int differing = 0;
  for (int slide = 0; slide < 12; ++slide)
    differing += plan_camera_path(slide, 7, 1.2, true).to.focus_x != plan_camera_path(slide, 8, 1.2, true).to.focus_x;
  CHECK(differing > 0);
}

TEST_CASE("Ken Burns off or zoom 1 keeps the camera still on the whole image", "[ken_burns]") {
  for (auto path : {plan_camera_path(3, 1, 1.5, false), plan_camera_path(3, 1, 1.0, true)}) {
    auto a = camera_at(path, 0.0, work);
    auto b = camera_at(path, 1.0, work);
    CHECK(a.x == b.x);
    CHECK(a.width == work.width);
    CHECK(b.height == work.height);
  }
}

TEST_CASE("motion is sub-pixel and smooth: no steps, no jumps", "[ken_burns]") {
  // 6.4 s slide at 24 fps.
  const int frames = 154;
  for (int slide = 0; slide < 4; ++slide) {
    auto path = plan_camera_path(slide, 3, 1.1, true);
    std::vector<double> cx, cy, width;
    for (int k = 0; k < frames; ++k) {
      auto rect = camera_at(path, k / double(frames - 1), work);
      cx.push_back(rect.center_x());
      cy.push_back(rect.center_y());
      width.push_back(rect.width);
    }
    // Follow the axis the camera pans along (a focus straight above or
    // below the centre keeps x fixed).
    const auto& centre = std::abs(cx.back() - cx.front()) > std::abs(cy.back() - cy.front()) ? cx : cy;
    CHECK(std::abs(centre.back() - centre.front()) > 10.0);
    int fractional = 0;
    for (int k = 1; k + 1 < frames; ++k) {
      double step = centre[k + 1] - centre[k];
      double previous = centre[k] - centre[k - 1];
      // Neighbouring steps differ by a tiny amount: the speed changes smoothly.
      CHECK(std::abs(step - previous) < 0.05);
      // Steps stay around a pixel per frame: a slow, gentle pan.
      CHECK(std::abs(step) < 2.0);
      fractional += std::abs(centre[k] - std::round(centre[k])) > 1e-3;
      // The zoom moves monotonically.
      CHECK((width[k + 1] - width[k]) * (width[frames - 1] - width[0]) >= 0);
    }
    // Positions are not snapped to whole pixels.
    CHECK(fractional > frames / 2);
  }
}

TEST_CASE("easing starts and ends at rest", "[ken_burns]") {
  CHECK(ease_in_out(0.0) == 0.0);
  CHECK(ease_in_out(1.0) == Approx(1.0));
  CHECK(ease_in_out(0.5) == Approx(0.5));
  CHECK(ease_in_out(0.01) < 0.001);
  CHECK(ease_in_out(-1.0) == 0.0);
}
