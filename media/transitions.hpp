#pragma once
/// The frames between two slides, drawn plane by plane on YUV 4:2:0 with
/// sub-pixel geometry: pushes move both slides by a fraction of a pixel per
/// frame and anti-alias the seam by coverage, wipes and the circle have a
/// soft edge whose weights are computed per pixel in 1/256 steps, the zoom
/// moves a camera window. Every part of a row is sampled from the slide that
/// shows there, so a push or a wipe costs about one plain frame and a blend
/// about two; nothing frame-sized is allocated.

#include "media/ken_burns.hpp"
#include "media/picture_options.hpp"
#include "media/picture_view.hpp"
#include "media/plane_sampler.hpp"
#include "media/yuv.hpp"

#include <cstdint>
#include <vector>

namespace vs::media {

/// A run of target columns drawn alike: weight 0 (old slide), 256 (new
/// slide), or anything else (a soft edge, blended by per-column weights).
struct weight_run {
  int begin = 0;
  int end = 0;
  int32_t weight = 0;
};

/// Per-thread tables and a row buffer, reused from frame to frame.
struct transition_scratch {
  sampler_scratch from;
  sampler_scratch to;
  blend_scratch blend;
  std::vector<uint8_t> row;
  std::vector<int32_t> weights;
  std::vector<weight_run> runs;
};

/// Draws `kind` at `progress` (0: exactly the frame of `from` alone, 1:
/// exactly the frame of `to` alone) into `target`; each slide is seen through
/// its camera window (luma pixels of its working image). Kinds that show one
/// slide at a time (fades, none) are the timeline's business: drawn here,
/// they blend.
void draw_transition(transition_kind kind, double progress, const yuv_image& from, const camera_rect& from_window,
                     const yuv_image& to, const camera_rect& to_window, picture_view target,
                     transition_scratch& scratch);

/// True for the kinds draw_transition draws with both slides.
bool shows_both_slides(transition_kind kind);

} // namespace vs::media
