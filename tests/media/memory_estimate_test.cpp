// Issue 7, defect 7: a job's memory from its geometry and settings. The
// estimate must bound what a real encoder holds, and a job over the limit is
// refused with a message naming what to lower and to what.

#include "media/fit_compose.hpp"
#include "media/memory_estimate.hpp"
#include "media/poster.hpp"
#include "media/video_encoder.hpp"
#include "tests/support/process_memory.hpp"

#include <catch2/catch.hpp>


extern "C" {
#include <libavutil/frame.h>
}

using namespace vs;
using namespace vs::media;

namespace {

constexpr int64_t mib = 1 << 20;

render_spec job(int width, int height) {
  render_spec spec;
  spec.audio_path = "voice.mp3";
  spec.image_paths = {"a.png", "b.png", "c.png", "d.png"};
  spec.output_path = "out.mp4";
  spec.width = width;
  spec.height = height;
  return spec;
}

memory_context two_cores() {
  memory_context context;
  context.hardware_threads = 2;
  context.render_threads = 2;
  context.frames_in_flight = 6;
  context.resident_slides = 3;
  return context;
}

/// Encodes lookahead + 40 frames of moving content; returns what that added
/// to the peak RSS, or -1.
int64_t encode_and_measure(const video_encoder_settings& settings) {
  auto frame = video_frame::allocate(settings.width, settings.height);
  if (!frame)
    return -1;
  const int64_t before_kb = test::proc_status_kb("VmRSS");
  test::reset_peak_rss();
  auto encoder = video_encoder::open(settings);
  if (!encoder)
    return -1;
  packet_sink ignore = [](AVPacket&) -> status { return {}; };
  uint32_t noise = 7;
  for (int64_t index = 0; index < settings.lookahead + 40; ++index) {
    if (!frame->make_writable())
      return -1;
    AVFrame* f = frame->get();
    for (int p = 0; p < 3; ++p)
      for (int y = 0; y < (p == 0 ? f->height : f->height / 2); ++y)
        for (int x = 0; x < (p == 0 ? f->width : f->width / 2); ++x) {
          noise = noise * 1664525u + 1013904223u;
          f->data[p][y * f->linesize[p] + x] = static_cast<uint8_t>((x + y + 4 * index) / 3 + (noise >> 29));
        }
    if (!(*encoder)->encode(*frame, index, ignore))
      return -1;
  }
  if (!(*encoder)->flush(ignore))
    return -1;
  return (test::proc_status_kb("VmHWM") - before_kb) * 1024;
}

/// What a real libx264 encode adds to the peak RSS of a fresh process.
int64_t measured_x264_bytes(const video_encoder_settings& settings) {
  int64_t bytes = test::in_child_process([&] { return encode_and_measure(settings); });
  REQUIRE(bytes > 0);
  return bytes;
}

} // namespace

TEST_CASE("the x264 estimate bounds what a real encoder holds", "[memory]") {
  if (!test::rss_is_meaningful)
    return;  // RSS under AddressSanitizer is mostly the sanitizer's
  for (const char* preset : {"ultrafast", "veryfast", "medium", "slow"}) {
    for (int lookahead : {0, 30}) {
      video_encoder_settings settings{640, 360, 24, preset, 20, 2, lookahead};
      int64_t measured = measured_x264_bytes(settings);
      int64_t estimate = x264_memory(preset, 640, 360, lookahead, 2);
      INFO(preset << " lookahead " << lookahead << ": measured " << measured / mib << " MB, estimate "
                  << estimate / mib << " MB");
      CHECK(measured <= estimate);
      // An upper bound, not a wild one.
      CHECK(estimate <= 2 * measured);
    }
  }
}

TEST_CASE("x264 threads follow x264's automatic count", "[memory]") {
  auto spec = job(1920, 1080);
  CHECK(x264_threads(spec, 2) == 3);
  CHECK(x264_threads(spec, 16) == 24);
  // At most one thread per two macroblock rows: 180 px is 12 rows.
  CHECK(x264_threads(job(320, 180), 16) == 6);
  spec.encoder_threads = 5;
  CHECK(x264_threads(spec, 2) == 5);
}

TEST_CASE("the estimate adds slides, frames, x264 and audio", "[memory]") {
  auto spec = job(1920, 1080);  // zoom 1.1: working images of 2112x1188
  auto estimate = estimate_job_memory(spec, two_cores(), 60.0);
  CHECK(estimate.slide_images == 3 * (2112 * 1188 * 3 / 2));
  // Six encoder frames with 64-byte rows (1920, 960) plus two scratch layers.
  CHECK(estimate.frame_buffers == 6 * (1920 * 1080 + 2 * 960 * 540 + 3 * 128) + 2 * (1920 * 1080 * 3 / 2));
  CHECK(estimate.encoder == x264_memory("medium", 1920, 1080, 20, 3));
  CHECK(estimate.audio > 60 * 128000 / 8);
  CHECK(estimate.audio < 60 * 128000 / 8 * 2);
  CHECK(estimate.other == 8 * mib + 12 * 1920 * 1080);
  CHECK(estimate.total() ==
        estimate.slide_images + estimate.frame_buffers + estimate.encoder + estimate.audio + estimate.other);

  // Fewer slides than the window: only those.
  spec.image_paths = {"a.png"};
  CHECK(estimate_job_memory(spec, two_cores(), 60.0).slide_images == 2112 * 1188 * 3 / 2);
  // Still slides are worked at output size.
  spec.ken_burns = false;
  CHECK(estimate_job_memory(spec, two_cores(), 60.0).slide_images == 1920 * 1080 * 3 / 2);
  // A silent video has no narration, only the index.
  spec.audio_path.clear();
  CHECK(estimate_job_memory(spec, two_cores(), 60.0).audio < estimate.audio / 4);
}

TEST_CASE("the longest video bounds a narration not decoded yet", "[memory]") {
  auto spec = job(1280, 720);
  render_limits limits;
  CHECK(longest_video_seconds(spec, limits) == 3 * 3600.0);
  spec.sync_to_audio = false;
  spec.slide_duration = 4.0;
  spec.transition_duration = 0.5;
  CHECK(longest_video_seconds(spec, limits) == Approx(4 * 4.0 - 3 * 0.5));
}

TEST_CASE("a job over the limit is refused naming what to lower and to what", "[memory]") {
  auto fits = [](const render_spec& spec, int64_t limit_mib) {
    return static_cast<bool>(check_job_memory(spec, two_cores(), 0.0, limit_mib * mib, "MAX_JOB_MEMORY_MB"));
  };
  // The job, with the lookahead at its new bound.
  auto spec = job(7680, 4320);
  spec.zoom_factor = 4.0;
  spec.lookahead = 60;
  spec.preset = "medium";
  auto refused = check_job_memory(spec, two_cores(), 0.0, 4096 * mib, "MAX_JOB_MEMORY_MB");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_argument);
  CHECK(refused.error().field == "resolution");
  CHECK(refused.error().message ==
        "the job needs an estimated 11314 MB (slide images 2279, frame buffers 380, x264 8268, audio 0, other 388), "
        "over the 4096 MB a job may use (MAX_JOB_MEMORY_MB); lower resolution to at most 4584x2578 or preset to "
        "ultrafast");
  // Each suggestion, applied alone, fits; one step further does not.
  auto sized = spec;
  sized.width = 4584;
  sized.height = 2578;
  CHECK(fits(sized, 4096));
  sized.width = 4594;
  sized.height = 2584;
  CHECK_FALSE(fits(sized, 4096));
  auto preset = spec;
  preset.preset = "ultrafast";
  CHECK(fits(preset, 4096));
  preset.preset = "superfast";
  CHECK_FALSE(fits(preset, 4096));

  // 4K with zoom 3 and a long lookahead: even zoom 1 is not enough alone,
  // three other single changes are.
  auto uhd = job(3840, 2160);
  uhd.zoom_factor = 3.0;
  uhd.lookahead = 60;
  auto over = check_job_memory(uhd, two_cores(), 0.0, 2048 * mib, "MAX_JOB_MEMORY_MB");
  REQUIRE_FALSE(over);
  CHECK(over.error().message ==
        "the job needs an estimated 2649 MB (slide images 321, frame buffers 95, x264 2131, audio 0, other 103), over "
        "the 2048 MB a job may use (MAX_JOB_MEMORY_MB); lower resolution to at most 3362x1890, lookahead to at most "
        "36 or preset to superfast");
  auto still = uhd;
  still.zoom_factor = 1.0;
  CHECK_FALSE(fits(still, 2048));
  auto shorter = uhd;
  shorter.lookahead = 36;
  CHECK(fits(shorter, 2048));
  shorter.lookahead = 37;
  CHECK_FALSE(fits(shorter, 2048));

  // Nothing single helps: say so.
  auto tiny_limit = check_job_memory(uhd, two_cores(), 0.0, 16 * mib, "MAX_JOB_MEMORY_MB");
  REQUIRE_FALSE(tiny_limit);
  INFO(tiny_limit.error().message);
  CHECK(tiny_limit.error().message.find("over the 16 MB a job may use (MAX_JOB_MEMORY_MB); no single setting "
                                        "brings it under: lower several of resolution, zoom_factor, lookahead, "
                                        "preset, encoder_threads and audio_bitrate") != std::string::npos);
}

TEST_CASE("a long narration over the limit names audio_bitrate", "[memory]") {
  auto spec = job(320, 180);
  spec.preset = "ultrafast";
  spec.audio_bitrate = 512000;
  // Three hours at 512 kb/s: the narration alone is most of a gigabyte.
  const double seconds = 3 * 3600.0;
  const int64_t audio = estimate_job_memory(spec, two_cores(), seconds).audio;
  CHECK(audio > 800 * mib);
  auto refused = check_job_memory(spec, two_cores(), seconds, 512 * mib, "MAX_JOB_MEMORY_MB");
  REQUIRE_FALSE(refused);
  CHECK(refused.error().field == "audio_bitrate");
  const std::string& message = refused.error().message;
  auto named = message.find("lower audio_bitrate to at most ");
  REQUIRE(named != std::string::npos);
  int bitrate = std::stoi(message.substr(named + 31));
  CHECK(bitrate % 1000 == 0);
  spec.audio_bitrate = bitrate;
  CHECK(check_job_memory(spec, two_cores(), seconds, 512 * mib, "MAX_JOB_MEMORY_MB"));
  spec.audio_bitrate = bitrate + 1000;
  CHECK_FALSE(check_job_memory(spec, two_cores(), seconds, 512 * mib, "MAX_JOB_MEMORY_MB"));
}

TEST_CASE("the machine's memory and CPUs are read", "[memory]") {
  CHECK(machine_memory_bytes() >= 256 * mib);
  CHECK(default_memory_budget() == machine_memory_bytes() / 10 * 7);
  CHECK(machine_threads() >= 1);
  CHECK(to_mib(1) == 1);
  CHECK(to_mib(mib) == 1);
  CHECK(to_mib(mib + 1) == 2);
}

TEST_CASE("contained and blurred slides and the poster are counted", "[memory][pictures]") {
  const render_spec cover = job(1920, 1080);
  const auto plain = estimate_job_memory(cover, two_cores(), 30.0);
  render_spec blurred = cover;
  blurred.pictures.fit = fit_mode::blur;
  const auto composed = estimate_job_memory(blurred, two_cores(), 30.0);
  // Each of the 3 resident slides may be composed: its picture, alpha and fill.
  const working_size work = working_size_for(1920, 1080, 1.1);
  CHECK(composed.slide_images - plain.slide_images == 3 * composition_bytes(work));
  // One slide of the job is enough to count it.
  render_spec one = cover;
  one.pictures.slides.resize(4);
  one.pictures.slides[2].fit = fit_mode::contain;
  CHECK(estimate_job_memory(one, two_cores(), 30.0).slide_images == composed.slide_images);
  render_spec poster = cover;
  poster.pictures.poster = true;
  CHECK(estimate_job_memory(poster, two_cores(), 30.0).frame_buffers - plain.frame_buffers ==
        poster_bytes(1920, 1080));
}
