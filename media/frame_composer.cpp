#include "media/frame_composer.hpp"

#include "media/slide_plan.hpp"

#include <cmath>

namespace vs::media {

namespace {

camera_rect chroma_window(const camera_rect& luma) {
  // 4:2:0 chroma planes are half size in both directions; with the same
  // chroma siting in source and target the window simply halves.
  return {luma.x / 2, luma.y / 2, luma.width / 2, luma.height / 2};
}

void sample_picture(const yuv_image& source, const camera_rect& window, picture_view target,
                    sampler_scratch& scratch) {
  sample_plane(source.y, window, target.planes[0], scratch);
  camera_rect chroma = chroma_window(window);
  sample_plane(source.u, chroma, target.planes[1], scratch);
  sample_plane(source.v, chroma, target.planes[2], scratch);
}

int to_weight(double fraction) { return static_cast<int>(std::lround(fraction * 256.0)); }

} // namespace

camera_rect render_plan::camera(int slide, double progress) const {
  return camera_at(camera_paths[static_cast<size_t>(slide)], progress, work);
}

camera_rect render_plan::camera(int slide, double progress, const yuv_image& image) const {
  return camera_at(in_working_image(camera_paths[static_cast<size_t>(slide)], image.picture, work), progress, work);
}

render_plan make_render_plan(const render_spec& spec, const timeline& timeline,
                             std::shared_ptr<const captions::caption_layout> captions) {
  double zoom = working_zoom(spec);
  std::vector<camera_path> paths;
  paths.reserve(static_cast<size_t>(timeline.slide_count()));
  for (int slide = 0; slide < timeline.slide_count(); ++slide)
    paths.push_back(camera_path_of(spec, slide));
  return render_plan{spec.width, spec.height, zoom, working_size_for(spec.width, spec.height, zoom), timeline,
                     std::move(paths), std::move(captions)};
}

picture_view view_of(yuv_image& image) {
  return {{media::view_of(image.y), media::view_of(image.u), media::view_of(image.v)}};
}

void compose_frame(const render_plan& job, const frame_plan& plan, const yuv_image& first, const yuv_image* second,
                   picture_view target, compose_scratch& scratch) {
  const camera_rect first_window = job.camera(plan.first, plan.first_progress, first);
  if (second != nullptr && plan.second >= 0)
    draw_transition(plan.kind, plan.mix, first, first_window, *second,
                    job.camera(plan.second, plan.second_progress, *second), target, scratch.transition);
  else
    sample_picture(first, first_window, target, scratch.sampler);

  int level = to_weight(plan.brightness);
  if (level < 256) {
    // Fades go through black, or through white for fadewhite.
    const uint8_t luma = plan.kind == transition_kind::fadewhite ? white_luma : black_luma;
    fade_plane(target.planes[0], luma, level);
    fade_plane(target.planes[1], black_chroma, level);
    fade_plane(target.planes[2], black_chroma, level);
  }
}

status paint_captions(const render_plan& job, int64_t index, picture_view target, compose_scratch& scratch) {
  if (!job.captions)
    return {};
  return scratch.captions.paint(job.captions, index, target.planes);
}

} // namespace vs::media
