#include "media/transitions.hpp"

#include "media/row_kernels.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media {

namespace {

constexpr int weight_one = 256;
/// Soft edges of wipes and the circle: 4 % of the frame's extent.
constexpr double soft_edge = 0.04;
/// How far the old slide zooms in during `zoom` (1.6: 60 % closer at the end).
constexpr double zoom_reach = 0.6;

int to_weight(double fraction) {
  return static_cast<int>(std::clamp(std::lround(fraction * weight_one), 0L, static_cast<long>(weight_one)));
}

/// One plane of a transition: both slides' planes, their windows in that
/// plane's pixels, and the target plane.
struct plane_pair {
  const yuv_plane& from;
  camera_rect from_window;
  const yuv_plane& to;
  camera_rect to_window;
  plane_view target;
};

/// `window` moved so that target pixel x shows what x + `shift` showed
/// (a push moves the picture by −shift); shifts are in target pixels.
camera_rect shifted(camera_rect window, double shift_x, double shift_y, const plane_view& target) {
  window.x += shift_x * window.width / target.width;
  window.y += shift_y * window.height / target.height;
  return window;
}

uint8_t* row_buffer(transition_scratch& scratch, int width) {
  if (scratch.row.size() < static_cast<size_t>(width))
    scratch.row.resize(static_cast<size_t>(width));
  return scratch.row.data();
}

/// out = from·(1 − w) + to·w, row by row (the crossfade, and the zoom's
/// blend), with w = `progress` in 1/128 steps (blended_row_sampler).
void blend_planes(const plane_pair& pair, double progress, transition_scratch& scratch) {
  const plane_view& target = pair.target;
  const auto share = static_cast<int>(std::lround(progress * blend_steps));
  if (share <= 0)
    return sample_plane(pair.from, pair.from_window, target, scratch.from);
  if (share >= blend_steps)
    return sample_plane(pair.to, pair.to_window, target, scratch.to);
  const plane_row_sampler from(pair.from, pair.from_window, target.width, target.height, scratch.from);
  const plane_row_sampler to(pair.to, pair.to_window, target.width, target.height, scratch.to);
  const blended_row_sampler both(from, to, share, scratch.blend);
  for (int y = 0; y < target.height; ++y)
    both.sample(y, 0, target.width, target.row(y));
}

/// The old slide zooms in towards its window's centre while the new one fades in.
void zoom_planes(plane_pair pair, double progress, transition_scratch& scratch) {
  const double scale = 1.0 / (1.0 + zoom_reach * progress);
  camera_rect& window = pair.from_window;
  window = {window.x + window.width * (1 - scale) / 2, window.y + window.height * (1 - scale) / 2,
            window.width * scale, window.height * scale};
  blend_planes(pair, progress, scratch);
}

/// A push: `first` shows before `boundary` (a column, or a row when
/// `vertical`), `second` after it; the pixel the boundary crosses mixes both
/// by how much of it each covers.
void push_planes(const plane_pair& pair, bool vertical, double boundary, const camera_rect& first_window,
                 const yuv_plane& first_source, const camera_rect& second_window, const yuv_plane& second_source,
                 transition_scratch& scratch) {
  const plane_view& target = pair.target;
  const plane_row_sampler first(first_source, first_window, target.width, target.height, scratch.from);
  const plane_row_sampler second(second_source, second_window, target.width, target.height, scratch.to);
  const int extent = vertical ? target.height : target.width;
  const int seam = static_cast<int>(std::floor(boundary));
  const int first_share = to_weight(boundary - seam);  // of the seam pixel
  if (!vertical) {
    for (int y = 0; y < target.height; ++y) {
      uint8_t* out = target.row(y);
      if (seam >= extent) {
        first.sample(y, 0, extent, out);
        continue;
      }
      first.sample(y, 0, seam + (first_share > 0 ? 1 : 0), out);
      const int kept = out[seam];
      second.sample(y, seam, extent, out);
      if (first_share > 0)
        out[seam] = static_cast<uint8_t>(out[seam] + (((kept - out[seam]) * first_share + 128) >> 8));
    }
    return;
  }
  uint8_t* other = row_buffer(scratch, target.width);
  for (int y = 0; y < target.height; ++y) {
    uint8_t* out = target.row(y);
    if (y < seam) {
      first.sample(y, 0, target.width, out);
    } else if (y > seam || first_share == 0) {
      second.sample(y, 0, target.width, out);
    } else {
      second.sample(y, 0, target.width, out);
      first.sample(y, 0, target.width, other);
      blend_row(out, other, 0, target.width, first_share);
    }
  }
}

enum class direction { left, right, up, down };

/// The new slide enters from the side opposite `towards` and pushes the old one out that way.
void slide(const plane_pair& pair, direction towards, double progress, transition_scratch& scratch) {
  const plane_view& target = pair.target;
  const bool vertical = towards == direction::up || towards == direction::down;
  const double extent = vertical ? target.height : target.width;
  const double shift = progress * extent;
  auto moved = [&](const camera_rect& window, double by) {
    return vertical ? shifted(window, 0, by, target) : shifted(window, by, 0, target);
  };
  if (towards == direction::left || towards == direction::up)
    // The old slide moves towards 0, the new one follows it in from `extent`.
    push_planes(pair, vertical, extent - shift, moved(pair.from_window, shift), pair.from,
                moved(pair.to_window, shift - extent), pair.to, scratch);
  else
    push_planes(pair, vertical, shift, moved(pair.to_window, extent - shift), pair.to,
                moved(pair.from_window, -shift), pair.from, scratch);
}

/// Weight of the new slide at `position` (a pixel index along the wipe) for
/// a soft edge of width `edge` centred on `edge_at`: 0 before it, 256 after
/// it (`after_is_new`) or the other way round.
int wipe_weight(int position, double edge_at, double edge, bool after_is_new) {
  double along = (position + 0.5 - edge_at) / edge;
  return to_weight(std::clamp((after_is_new ? along : -along) + 0.5, 0.0, 1.0));
}

/// A soft edge travels across the frame; the new slide lies behind it.
void wipe(const plane_pair& pair, direction towards, double progress, transition_scratch& scratch) {
  const plane_view& target = pair.target;
  const bool vertical = towards == direction::up || towards == direction::down;
  const int extent = vertical ? target.height : target.width;
  const double edge = soft_edge * extent;
  // Travelling towards 0, the edge starts just past the far end; the new
  // slide is on the far side of it.
  const bool towards_zero = towards == direction::left || towards == direction::up;
  const double edge_at =
      towards_zero ? (extent + edge) * (1 - progress) - edge / 2 : -edge / 2 + (extent + edge) * progress;
  const plane_row_sampler from(pair.from, pair.from_window, target.width, target.height, scratch.from);
  const plane_row_sampler to(pair.to, pair.to_window, target.width, target.height, scratch.to);
  uint8_t* other = row_buffer(scratch, target.width);
  if (vertical) {
    for (int y = 0; y < target.height; ++y) {
      uint8_t* out = target.row(y);
      const int weight = wipe_weight(y, edge_at, edge, towards_zero);
      if (weight < weight_one)
        from.sample(y, 0, target.width, out);
      if (weight == weight_one)
        to.sample(y, 0, target.width, out);
      else if (weight > 0) {
        to.sample(y, 0, target.width, other);
        blend_row(out, other, 0, target.width, weight);
      }
    }
    return;
  }
  std::vector<int32_t>& weights = scratch.weights;
  weights.resize(static_cast<size_t>(target.width));
  for (int x = 0; x < target.width; ++x)
    weights[static_cast<size_t>(x)] = wipe_weight(x, edge_at, edge, towards_zero);
  // Every row has the same columns of old, new and edge: find the runs once.
  std::vector<weight_run>& runs = scratch.runs;
  runs.clear();
  for (int x = 0; x < target.width;) {
    const int32_t weight = weights[static_cast<size_t>(x)];
    const bool pure = weight == 0 || weight == weight_one;
    int end = x + 1;
    while (end < target.width && (pure ? weights[static_cast<size_t>(end)] == weight
                                       : weights[static_cast<size_t>(end)] % weight_one != 0))
      ++end;
    runs.push_back({x, end, weight});
    x = end;
  }
  for (int y = 0; y < target.height; ++y) {
    uint8_t* out = target.row(y);
    // Each run sampled from the slide that shows there.
    for (const weight_run& run : runs) {
      if (run.weight == 0) {
        from.sample(y, run.begin, run.end, out);
      } else if (run.weight == weight_one) {
        to.sample(y, run.begin, run.end, out);
      } else {
        from.sample(y, run.begin, run.end, out);
        to.sample(y, run.begin, run.end, other);
        blend_row_weighted(out, other, weights.data(), run.begin, run.end);
      }
    }
  }
}

/// Weights of the new slide along row columns [begin, end) of the circle's
/// rim: 1/256 steps of how far inside `radius` each pixel centre lies, over a
/// soft edge `edge` wide. Single precision, no branches and no errno (see
/// CMakeLists), so the loop, square roots included, is vectorised.
__attribute__((target_clones("avx2", "default"))) void rim_weights(int begin, int end, float center_x,
                                                                  float dy_squared, float radius, float edge,
                                                                  int32_t* weights) {
  const float scale = weight_one / edge;
  const float at_zero = radius * scale + weight_one / 2 + 0.5f;  // + 0.5: rounds to nearest
  for (int x = begin; x < end; ++x) {
    const float dx = static_cast<float>(x) + 0.5f - center_x;
    const auto weight = static_cast<int32_t>(at_zero - std::sqrt(dx * dx + dy_squared) * scale);
    weights[x] = std::clamp(weight, 0, weight_one);
  }
}

/// The new slide opens in a circle from the centre, with a soft rim.
void circle(const plane_pair& pair, double progress, transition_scratch& scratch) {
  const plane_view& target = pair.target;
  const double center_x = target.width / 2.0;
  const double center_y = target.height / 2.0;
  const double reach = std::hypot(center_x, center_y);
  const double edge = soft_edge * std::max(target.width, target.height);
  const double radius = -edge / 2 + (reach + edge) * progress;
  const double outer = radius + edge / 2;
  const double inner = radius - edge / 2;
  const plane_row_sampler from(pair.from, pair.from_window, target.width, target.height, scratch.from);
  const plane_row_sampler to(pair.to, pair.to_window, target.width, target.height, scratch.to);
  uint8_t* other = row_buffer(scratch, target.width);
  // Columns whose centres lie within `r` of the centre on row offset dy.
  auto span = [&](double r, double dy, int& begin, int& end) {
    if (r <= 0 || dy * dy >= r * r) {
      begin = end = static_cast<int>(center_x);
      return;
    }
    const double half = std::sqrt(r * r - dy * dy);
    begin = std::clamp(static_cast<int>(std::ceil(center_x - half - 0.5)), 0, target.width);
    end = std::clamp(static_cast<int>(std::floor(center_x + half - 0.5)) + 1, begin, target.width);
  };
  std::vector<int32_t>& weights = scratch.weights;
  weights.resize(static_cast<size_t>(target.width));
  // Blends the new slide (in `other`) into the old (in `out`) on a run of the rim.
  auto rim = [&](double dy, int begin, int end, uint8_t* out) {
    if (begin >= end)
      return;
    rim_weights(begin, end, static_cast<float>(center_x), static_cast<float>(dy * dy), static_cast<float>(radius),
                static_cast<float>(edge), weights.data());
    blend_row_weighted(out, other, weights.data(), begin, end);
  };
  for (int y = 0; y < target.height; ++y) {
    uint8_t* out = target.row(y);
    const double dy = y + 0.5 - center_y;
    int outer_begin = 0, outer_end = 0, inner_begin = 0, inner_end = 0;
    span(outer, dy, outer_begin, outer_end);
    span(inner, dy, inner_begin, inner_end);
    inner_begin = std::clamp(inner_begin, outer_begin, outer_end);
    inner_end = std::clamp(inner_end, inner_begin, outer_end);
    if (inner_end == inner_begin)
      inner_begin = inner_end = outer_begin;  // no inner part: one rim run
    // Few, long runs (the sampler's SIMD loop works in blocks of 16): the
    // old slide wherever the new one is not whole, the new one wherever it
    // shows at all, then the rim blended.
    from.sample(y, 0, inner_begin, out);
    from.sample(y, inner_end, target.width, out);
    to.sample(y, outer_begin, outer_end, other);
    std::copy(other + inner_begin, other + inner_end, out + inner_begin);
    rim(dy, outer_begin, inner_begin, out);
    rim(dy, inner_end, outer_end, out);
  }
}

void draw_plane(transition_kind kind, double progress, const plane_pair& pair, transition_scratch& scratch) {
  switch (kind) {
    case transition_kind::slideleft: return slide(pair, direction::left, progress, scratch);
    case transition_kind::slideright: return slide(pair, direction::right, progress, scratch);
    case transition_kind::slideup: return slide(pair, direction::up, progress, scratch);
    case transition_kind::slidedown: return slide(pair, direction::down, progress, scratch);
    case transition_kind::wipeleft: return wipe(pair, direction::left, progress, scratch);
    case transition_kind::wiperight: return wipe(pair, direction::right, progress, scratch);
    case transition_kind::wipeup: return wipe(pair, direction::up, progress, scratch);
    case transition_kind::wipedown: return wipe(pair, direction::down, progress, scratch);
    case transition_kind::zoom: return zoom_planes(pair, progress, scratch);
    case transition_kind::circle: return circle(pair, progress, scratch);
    case transition_kind::crossfade:
    case transition_kind::fadeblack:
    case transition_kind::fadewhite:
    case transition_kind::none: return blend_planes(pair, progress, scratch);
  }
}

camera_rect chroma_of(const camera_rect& luma) { return {luma.x / 2, luma.y / 2, luma.width / 2, luma.height / 2}; }

} // namespace

bool shows_both_slides(transition_kind kind) {
  return kind != transition_kind::fadeblack && kind != transition_kind::fadewhite && kind != transition_kind::none;
}

void draw_transition(transition_kind kind, double progress, const yuv_image& from, const camera_rect& from_window,
                     const yuv_image& to, const camera_rect& to_window, picture_view target,
                     transition_scratch& scratch) {
  progress = std::clamp(progress, 0.0, 1.0);
  draw_plane(kind, progress, {from.y, from_window, to.y, to_window, target.planes[0]}, scratch);
  // Chroma planes are half size both ways, and so is every distance on them.
  const camera_rect from_chroma = chroma_of(from_window);
  const camera_rect to_chroma = chroma_of(to_window);
  draw_plane(kind, progress, {from.u, from_chroma, to.u, to_chroma, target.planes[1]}, scratch);
  draw_plane(kind, progress, {from.v, from_chroma, to.v, to_chroma, target.planes[2]}, scratch);
}

} // namespace vs::media
