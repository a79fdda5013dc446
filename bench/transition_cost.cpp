/// bench_transition_cost: what one frame of each transition costs against a
/// plain (single-slide) frame, through the real frame code (compose_frame)
/// at the output size: two working images with Ken Burns room, the camera
/// moving, the transition at the middle of its overlap. Issue 8 asks for a
/// transition frame to cost at most 2× a plain one. Prints a markdown table.

#include "media/frame_composer.hpp"
#include "media/slide_plan.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>

using namespace vs::media;

namespace {

/// A working image with detail everywhere (the sampler's cost does not
/// depend on content, but a flat picture would hide nothing).
yuv_image textured(working_size size, int variant) {
  yuv_image image = make_yuv_image(size.width, size.height);
  for (int y = 0; y < image.height(); ++y)
    for (int x = 0; x < image.width(); ++x)
      image.y.row(y)[x] = static_cast<uint8_t>((x * 7 + y * 3 + variant * 50 + ((x ^ y) & 31)) & 0xff);
  for (auto* plane : {&image.u, &image.v})
    for (int y = 0; y < plane->height; ++y)
      for (int x = 0; x < plane->width; ++x)
        plane->row(y)[x] = static_cast<uint8_t>(96 + ((x + y + variant * 20) & 63));
  return image;
}

/// Milliseconds per frame composing `plan` `repeats` times (best of three runs).
double ms_per_frame(const render_plan& job, const frame_plan& plan, const yuv_image& a, const yuv_image& b,
                    int repeats) {
  yuv_image target = make_yuv_image(job.width, job.height);
  compose_scratch scratch;
  double best = 1e30;
  for (int run = 0; run < 3; ++run) {
    auto start = std::chrono::steady_clock::now();
    for (int i = 0; i < repeats; ++i)
      compose_frame(job, plan, plan.first == 0 ? a : b, plan.second < 0 ? nullptr : &b, view_of(target), scratch);
    std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
    best = std::min(best, spent.count() / repeats);
  }
  return best;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app("Cost of a transition frame against a plain frame");
  int width = 1920, height = 1080, repeats = 40;
  app.add_option("--width", width);
  app.add_option("--height", height);
  app.add_option("--repeats", repeats, "frames per measurement");
  std::string only;
  app.add_option("--only", only, "measure this transition alone (for a profiler)");
  CLI11_PARSE(app, argc, argv);

  std::printf("| frame (%dx%d, zoom 1.1, one thread) | ms | vs plain |\n|---|---:|---:|\n", width, height);
  double plain_ms = 0;
  for (auto kind : all_transitions()) {
    if (!only.empty() && only != to_string(kind))
      continue;
    render_spec spec;
    spec.width = width;
    spec.height = height;
    spec.fps = 24;
    spec.sync_to_audio = false;
    spec.slide_duration = 2.0;
    spec.transition_duration = 0.5;
    spec.transition = kind;
    spec.image_paths = {"a", "b"};
    auto laid = lay_out_slides(spec, std::nullopt);
    if (!laid) {
      std::fprintf(stderr, "%s\n", laid.error().message.c_str());
      return 1;
    }
    const render_plan job = make_render_plan(spec, *laid);
    const yuv_image a = textured(job.work, 0), b = textured(job.work, 1);
    if (plain_ms == 0) {
      plain_ms = ms_per_frame(job, laid->plan(6), a, b, repeats);
      std::printf("| plain | %.2f | 1.00x |\n", plain_ms);
    }
    // The middle of the overlap: frames 36..48, so frame 42.
    const double ms = ms_per_frame(job, laid->plan(42), a, b, repeats);
    std::printf("| %s | %.2f | %.2fx |\n", to_string(kind), ms, ms / plain_ms);
  }
  return 0;
}
