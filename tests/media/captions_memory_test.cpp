// Caption memory in the job estimate: what real libass renderers on several
// threads hold while they draw many different captions in several scripts
// must stay under media/captions/caption_memory's bound, and the estimate
// of a captioned job carries it.

#include "media/captions/caption_layout.hpp"
#include "media/captions/caption_memory.hpp"
#include "media/captions/caption_painter.hpp"
#include "media/memory_estimate.hpp"
#include "tests/support/process_memory.hpp"

#include <catch2/catch.hpp>

#include <thread>
#include <vector>

using namespace vs;
using namespace vs::media;
using namespace vs::media::captions;

namespace {

constexpr int64_t mib = 1 << 20;

/// 200 one-second cues, every one different, in Latin, Cyrillic, CJK, Arabic and Hebrew.
std::vector<caption_cue> many_cues() {
  const char* texts[] = {"Every Short needs captions people can read", "Привет мир, это проверка субтитров",
                         "日本語の字幕もちゃんと表示されます", "مرحبا بالعالم هذا اختبار", "שלום עולם זה מבחן"};
  std::vector<caption_cue> cues;
  for (int i = 0; i < 200; ++i)
    cues.push_back({i * 1.0, i * 1.0 + 0.9, std::string(texts[i % 5]) + " " + std::to_string(i * 7919)});
  return cues;
}

/// Peak RSS growth while `threads` painters draw every cue of `cues` onto
/// their own frames (allocated before the measurement starts), or -1.
int64_t paint_and_measure(const std::vector<caption_cue>& cues, const caption_style& style, int width, int height,
                          int threads) {
  struct planes {
    std::vector<uint8_t> y, u, v;
  };
  std::vector<planes> frames(static_cast<size_t>(threads));
  for (auto& f : frames) {
    f.y.assign(static_cast<size_t>(width) * height, 16);
    f.u.assign(static_cast<size_t>(width / 2) * (height / 2), 128);
    f.v = f.u;
  }
  const int64_t before_kb = test::proc_status_kb("VmRSS");
  test::reset_peak_rss();
  auto layout = make_caption_layout(cues, {}, style, width, height, 24);
  if (!layout)
    return -1;
  std::vector<std::thread> pool;
  std::vector<int> failures(static_cast<size_t>(threads), 0);
  for (int t = 0; t < threads; ++t)
    pool.emplace_back([&, t] {
      caption_painter painter;
      auto& f = frames[static_cast<size_t>(t)];
      std::array<plane_view, 3> target{plane_view{f.y.data(), width, width, height},
                                       plane_view{f.u.data(), width / 2, width / 2, height / 2},
                                       plane_view{f.v.data(), width / 2, width / 2, height / 2}};
      // Every cue on every thread, as a render pool's threads see them.
      for (int64_t frame = t; frame < static_cast<int64_t>(cues.size()) * 24; frame += 12)
        if (!painter.paint(*layout, frame, target))
          ++failures[static_cast<size_t>(t)];
    });
  for (auto& thread : pool)
    thread.join();
  for (int failed : failures)
    if (failed > 0)
      return -1;
  return (test::proc_status_kb("VmHWM") - before_kb) * 1024;
}

} // namespace

TEST_CASE("the caption estimate bounds what real libass renderers hold", "[memory][captions]") {
  if (!test::rss_is_meaningful)
    return;  // RSS under AddressSanitizer is mostly the sanitizer's
  struct sample {
    int width, height;
    double size;
    bool box;
    int max_lines;
  };
  for (const sample& s : {sample{1080, 1920, 0.05, false, 2}, sample{1920, 1080, 0.15, true, 2},
                          sample{640, 360, 0.03, true, 2}, sample{1080, 1920, 0.1, true, 4}}) {
    caption_request request;
    request.cues = many_cues();
    request.style.size = s.size;
    request.style.box = s.box;
    request.style.max_lines = s.max_lines;
    const int threads = 2;
    int64_t measured = test::in_child_process(
        [&] { return paint_and_measure(request.cues, request.style, s.width, s.height, threads); });
    REQUIRE(measured > 0);
    int64_t estimate = caption_memory_bytes(request, s.width, s.height, threads, 200.0);
    INFO(s.width << "x" << s.height << " size " << s.size << ": measured " << measured / mib << " MB, estimate "
                 << estimate / mib << " MB");
    CHECK(measured <= estimate);
    // An upper bound, not a wild one.
    CHECK(estimate <= 3 * measured);
  }
}

TEST_CASE("a captioned job's estimate carries its captions and names them when over the limit",
          "[memory][captions]") {
  render_spec spec;
  spec.audio_path = "voice.mp3";
  spec.image_paths = {"a.png"};
  spec.output_path = "out.mp4";
  spec.width = 1080;
  spec.height = 1920;
  memory_context context;
  context.hardware_threads = 2;
  context.render_threads = 2;
  const memory_estimate plain = estimate_job_memory(spec, context, 60.0);
  CHECK(plain.captions == 0);
  spec.captions.text = "A narration of a few phrases. Timed by its pauses.";
  const memory_estimate captioned = estimate_job_memory(spec, context, 60.0);
  CHECK(captioned.captions == caption_memory_bytes(spec.captions, 1080, 1920, 2, 60.0));
  CHECK(captioned.captions > 32 * mib);  // two renderers
  CHECK(captioned.total() == plain.total() + captioned.captions);
  // A file's cues are counted from the video's length until it is read.
  render_spec from_file = spec;
  from_file.captions.text.clear();
  from_file.captions.path = "cues.srt";
  CHECK(estimate_job_memory(from_file, context, 600.0).captions >
        estimate_job_memory(from_file, context, 60.0).captions);

  auto refused = check_job_memory(spec, context, 60.0, plain.total(), "MAX_JOB_MEMORY_MB");
  REQUIRE_FALSE(refused);
  INFO(refused.error().message);
  CHECK(refused.error().message.find(", captions " + std::to_string(to_mib(captioned.captions)) + "), over the ") !=
        std::string::npos);
}
