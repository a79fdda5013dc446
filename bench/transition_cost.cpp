/// bench_transition_cost: what one frame of each transition costs against a
/// plain (single-slide) frame, through the real frame code (compose_frame)
/// at the output size: two working images with Ken Burns room, the camera
/// moving, the transition at the middle of its overlap. Issue 8 asks for a
/// transition frame to cost at most 2× a plain one. Prints a markdown table.

#include "media/frame_composer.hpp"
#include "media/row_kernels.hpp"
#include "media/slide_plan.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <vector>

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

/// One row of the table: a frame of a job (or two drawn one after the
/// other into the same target), and the best time seen for it.
struct frame_case {
  std::string name;
  render_plan job;
  frame_plan plan;
  std::optional<frame_plan> then = std::nullopt;
  double best_ms = 1e30;
};

/// Milliseconds per frame composing `frame` `repeats` times.
double ms_per_frame(const frame_case& frame, const yuv_image& a, const yuv_image& b, int repeats, yuv_image& target,
                    compose_scratch& scratch) {
  auto compose = [&](const frame_plan& plan) {
    compose_frame(frame.job, plan, plan.first == 0 ? a : b, plan.second < 0 ? nullptr : &b, view_of(target), scratch);
  };
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) {
    compose(frame.plan);
    if (frame.then)
      compose(*frame.then);
  }
  std::chrono::duration<double, std::milli> spent = std::chrono::steady_clock::now() - start;
  return spent.count() / repeats;
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app("Cost of a transition frame against a plain frame");
  int width = 1920, height = 1080, repeats = 40;
  app.add_option("--width", width);
  app.add_option("--height", height);
  app.add_option("--repeats", repeats, "frames per measurement");
  std::string only;
  app.add_option("--only", only, "measure this transition (or \"plain\") alone, for a profiler");
  int rounds = 5;
  app.add_option("--rounds", rounds, "rounds over all frames; each frame's best round counts");
  bool bare = false;
  app.add_flag("--bare", bare, "with --only: that frame alone, without plain frames to compare (for a profiler)");
  bool portable = false;
  app.add_flag("--portable", portable, "use the portable row kernels even where AVX2 is present");
  CLI11_PARSE(app, argc, argv);

  std::vector<frame_case> cases;
  for (auto kind : all_transitions()) {
    if (!only.empty() && only != to_string(kind) && !(only == "plain" && cases.empty()))
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
    render_plan job = make_render_plan(spec, *laid);
    if (cases.empty())
      for (int64_t frame = 0; frame < laid->frame_count(); frame += 6)
        if (laid->plan(frame).second < 0 && !bare)
          cases.push_back({"plain " + std::to_string(frame), job, laid->plan(frame)});
    // The middle of the overlap: frames 36..48, so frame 42. Also each of
    // its two slides drawn alone through the same camera window: what the
    // transition costs beyond drawing those two pictures.
    if (only != "plain") {
      const frame_plan both = laid->plan(42);
      cases.push_back({to_string(kind), job, both});
      if (both.second >= 0 && !bare) {
        frame_plan old_alone = both, new_alone = both;
        old_alone.second = new_alone.second = -1;
        new_alone.first = both.second;
        new_alone.first_progress = both.second_progress;
        old_alone.brightness = new_alone.brightness = 1.0;
        cases.push_back({std::string(to_string(kind)) + ": old slide alone", job, old_alone});
        cases.push_back({std::string(to_string(kind)) + ": new slide alone", job, new_alone});
        // Both pictures drawn whole, one after the other, with no blend: what
        // two pictures cost by themselves (their memory traffic included).
        cases.push_back({std::string(to_string(kind)) + ": old then new slide, no blend", job, old_alone, new_alone});
      }
    }
  }
  if (cases.empty()) {
    std::fprintf(stderr, "no transition named %s\n", only.c_str());
    return 2;
  }
  if (portable)
    use_row_kernels(row_kernel_set::portable);
  const working_size work = cases.front().job.work;
  const yuv_image a = textured(work, 0), b = textured(work, 1);
  yuv_image target = make_yuv_image(width, height);
  compose_scratch scratch;
  // Rounds over every case in turn, keeping each one's best: a slow spell of
  // the machine then hurts no case more than another.
  for (int round = 0; round < rounds; ++round)
    for (auto& frame : cases)
      frame.best_ms = std::min(frame.best_ms, ms_per_frame(frame, a, b, repeats, target, scratch));

  // A plain frame: the mean of the job's single-slide frames (their cost
  // varies a little with the camera window's scale).
  double plain_sum = 0;
  int plain_count = 0;
  for (const auto& frame : cases)
    if (frame.name.rfind("plain", 0) == 0) {
      plain_sum += frame.best_ms;
      ++plain_count;
    }
  const double plain_ms = plain_count ? plain_sum / plain_count : 1;
  std::printf("| frame (%dx%d, zoom 1.1, one thread, %s kernels) | ms | vs plain (mean %.3f ms) | vs its two slides "
              "drawn alone |\n|---|---:|---:|---:|\n",
              width, height, active_row_kernels() == row_kernel_set::avx2 ? "AVX2" : "portable", plain_ms);
  for (size_t i = 0; i < cases.size(); ++i) {
    const frame_case& frame = cases[i];
    std::printf("| %s | %.3f | %.2fx |", frame.name.c_str(), frame.best_ms, frame.best_ms / plain_ms);
    const bool two_slides = frame.plan.second >= 0 && i + 2 < cases.size();
    if (two_slides)
      std::printf(" %.2fx |\n", frame.best_ms / ((cases[i + 1].best_ms + cases[i + 2].best_ms) / 2));
    else
      std::printf("  |\n");
  }
  return 0;
}
