#pragma once
/// Frame k of a job as a pure function of the job's plan and k: camera window
/// per visible slide, bilinear sampling plane by plane, then the transition
/// (blend or fade). Frames can be composed in any order and on any thread.

#include "media/captions/caption_layout.hpp"
#include "media/captions/caption_painter.hpp"
#include "media/ken_burns.hpp"
#include "media/picture_view.hpp"
#include "media/plane_sampler.hpp"
#include "media/render_spec.hpp"
#include "media/timeline.hpp"
#include "media/transitions.hpp"
#include "media/working_image.hpp"
#include "media/yuv.hpp"

#include <array>
#include <memory>
#include <vector>

namespace vs::media {

/// Everything about a job's frames that does not depend on pixels.
struct render_plan {
  int width = 0;
  int height = 0;
  double zoom_factor = 1.0;   ///< 1.0 when Ken Burns is off
  working_size work;          ///< size every slide's working image has
  media::timeline timeline;
  std::vector<camera_path> camera_paths;  ///< one per slide
  std::shared_ptr<const captions::caption_layout> captions;  ///< null: no captions

  /// The camera window of `slide` at `progress`, in working-image luma pixels.
  camera_rect camera(int slide, double progress) const;
  /// The same for the slide's working image `image`, whose picture area
  /// places a focus given as a point of the picture.
  camera_rect camera(int slide, double progress, const yuv_image& image) const;
};

/// Builds the plan for `spec` on `timeline`, with `captions` drawn over it.
render_plan make_render_plan(const render_spec& spec, const timeline& timeline,
                             std::shared_ptr<const captions::caption_layout> captions = nullptr);

/// Per-thread buffers reused from frame to frame.
struct compose_scratch {
  sampler_scratch sampler;
  transition_scratch transition;
  captions::caption_painter captions;  ///< this thread's libass renderer
};

/// Composes `plan` of one frame into `target`. `first` and `second` are the
/// working images of `plan.first` and `plan.second` (second may be null for
/// a single-slide frame).
void compose_frame(const render_plan& job, const frame_plan& plan, const yuv_image& first, const yuv_image* second,
                   picture_view target, compose_scratch& scratch);

/// Blends the caption frame `index` shows onto `target`, after
/// compose_frame; nothing without captions. Fails only if libass cannot start.
status paint_captions(const render_plan& job, int64_t index, picture_view target, compose_scratch& scratch);

/// Wraps a yuv_image as a picture_view (for tests and scratch layers).
picture_view view_of(yuv_image& image);

} // namespace vs::media
