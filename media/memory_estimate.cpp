#include "media/memory_estimate.hpp"

#include "media/decode_cost.hpp"
#include "media/fit_compose.hpp"
#include "media/image_decode.hpp"
#include "media/poster.hpp"
#include "media/slide_plan.hpp"
#include "media/captions/caption_memory.hpp"
#include "media/timeline.hpp"
#include "media/working_image.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <fstream>
#include <optional>
#include <sched.h>
#include <thread>
#include <vector>

namespace vs::media {

namespace {

constexpr int64_t mib = 1 << 20;

/// libx264's resident memory, measured by bench/x264_memory.cpp at 360p,
/// 720p and 1080p (threads 1 and 4, rc-lookahead 0..60, every preset) and
/// checked at 4K (medium and ultrafast, within 5%), rounded up so that every
/// measured point lies below the model (tables in docs/benchmarks.md, "Job
/// memory"). x264 pads its planes, so costs follow the padded area
/// P = (w + 64)(h + 64), which fits the measurements at every size:
///   bytes = P × (base + per_thread × (threads − 1) + per_frame × F)
///           + fixed + thread_fixed × (threads − 1) + frame_fixed × F,
///   F = max(0, lookahead − free_lookahead)
/// The first `free_lookahead` frames cost nothing more: the preset's B-frames
/// and references already hold that many. ultrafast and superfast (no
/// mb-tree) ignore the lookahead.
struct x264_costs {
  const char* preset;
  double base;             ///< bytes per padded pixel, one thread, no extra lookahead
  double fixed_mib;        ///< tables, bitstream buffers
  double per_thread;       ///< bytes per padded pixel per frame thread beyond the first
  double thread_fixed_mib;
  double per_frame;        ///< bytes per padded pixel per lookahead frame
  double frame_fixed_kib;
  int free_lookahead;
};

// clang-format off
constexpr std::array<x264_costs, 10> x264_table{{
  //  preset      base  fixed  thread  fixed  frame  fixed  free
  {"ultrafast",   12.5,  11.5,    6.0,   0.6,   0.0,     0,   0},
  {"superfast",   48.0,  11.0,   15.0,   2.0,   0.0,     0,   0},
  {"veryfast",    48.0,  11.0,   15.0,   2.0,   3.1,   110,   3},
  {"faster",      48.0,  11.0,   15.0,   2.0,   3.1,   110,   3},
  {"fast",        48.0,  11.0,   15.0,   2.0,   3.1,   110,   3},
  {"medium",      48.0,  11.0,   15.0,   2.0,   3.1,   110,   3},
  {"slow",        53.5,  11.0,   15.0,   2.0,   3.1,   110,   3},
  {"slower",     100.0,   8.0,   17.0,   1.0,   3.1,   110,  11},
  {"veryslow",   219.0,  25.0,   20.5,   3.0,   3.6,   512,  30},
  {"placebo",    430.0,  46.0,   60.0,   1.0,   3.6,   512,  20},
}};
// clang-format on

const x264_costs& costs_of(const std::string& preset) {
  for (const auto& costs : x264_table)
    if (preset == costs.preset)
      return costs;
  return x264_table[5];  // medium: x264's default
}

/// An AVFrame from av_frame_get_buffer(…, 64): rows padded to 64 bytes.
int64_t frame_bytes(int width, int height) {
  auto row = [](int w) { return static_cast<int64_t>((w + 63) / 64 * 64); };
  return row(width) * height + 2 * row(width / 2) * (height / 2) + 3 * 128;
}

int64_t yuv420_bytes(int width, int height) {
  return static_cast<int64_t>(width) * height + 2 * static_cast<int64_t>(width / 2) * (height / 2);
}

/// Per second of video: the AAC packets (payload plus a heap block and a
/// vector slot each, 46.9 packets a second) and the MP4 muxer's index, one
/// entry per video frame and audio packet, plus the moov atom built from it.
int64_t audio_bytes(const render_spec& spec, double seconds) {
  if (!(seconds > 0))
    return 0;
  constexpr double aac_packets_per_second = 48000.0 / 1024;
  const bool narrated = !spec.audio_path.empty();
  const double payload = narrated ? spec.audio_bitrate / 8.0 * 1.05 : 0.0;
  const double packet_overhead = narrated ? aac_packets_per_second * 112 : 0.0;
  const double index = (spec.fps + (narrated ? aac_packets_per_second : 0.0)) * 128;
  return static_cast<int64_t>(std::ceil(seconds * (payload + packet_overhead + index)));
}

/// What real renders hold beyond the parts above, measured with tiny slides
/// (bench/memory_calibration.cpp --source 64x64): the narration's codec
/// contexts, the stages' threads, and encoded packets with the allocator
/// slack they leave, which grow with the picture (8 MB at 360p, 15 at 720p,
/// 28 at 1080p).
int64_t other_bytes(int width, int height) { return 8 * mib + 12 * static_cast<int64_t>(width) * height; }

std::string mib_text(int64_t bytes) { return std::to_string(to_mib(bytes)); }

/// Each single change that brings the estimate under the limit, as text.
struct suggestion {
  std::string field;
  std::string text;
};

bool fits(const render_spec& spec, const memory_context& context, double seconds, int64_t limit) {
  return estimate_job_memory(spec, context, seconds).total() <= limit;
}

int even_at_least_16(double value) { return std::max(16, 2 * static_cast<int>(std::floor(value / 2))); }

/// The largest resolution of the same aspect that fits.
std::optional<suggestion> smaller_resolution(render_spec spec, const memory_context& context, double seconds,
                                             int64_t limit) {
  const int width = spec.width;
  const int height = spec.height;
  auto scaled = [&](double scale) {
    spec.width = even_at_least_16(width * scale);
    spec.height = even_at_least_16(height * scale);
    return fits(spec, context, seconds, limit);
  };
  if (!scaled(16.0 / std::max(width, height)))
    return std::nullopt;
  double low = 16.0 / std::max(width, height);
  double high = 1.0;
  for (int i = 0; i < 40; ++i) {
    double middle = (low + high) / 2;
    (scaled(middle) ? low : high) = middle;
  }
  scaled(low);
  return suggestion{"resolution", "resolution to at most " + std::to_string(spec.width) + "x" +
                                      std::to_string(spec.height)};
}

std::optional<suggestion> smaller_zoom(render_spec spec, const memory_context& context, double seconds,
                                       int64_t limit) {
  if (working_zoom(spec) <= 1.0)
    return std::nullopt;
  // Hundredths, rounded down: the value named must fit.
  int high = static_cast<int>(std::floor(spec.zoom_factor * 100)) - 1;
  auto at = [&](int hundredths) {
    spec.zoom_factor = hundredths / 100.0;
    return fits(spec, context, seconds, limit);
  };
  if (!at(100))
    return std::nullopt;
  int low = 100;
  while (low < high) {
    int middle = (low + high + 1) / 2;
    if (at(middle))
      low = middle;
    else
      high = middle - 1;
  }
  char text[64];
  std::snprintf(text, sizeof text, "zoom_factor to at most %.2f", low / 100.0);
  return suggestion{"zoom_factor", text};
}

/// The largest value lowest + k × step of an integer setting, below its
/// current one, that fits.
std::optional<suggestion> smaller_count(render_spec spec, const memory_context& context, double seconds,
                                        int64_t limit, const char* field, int render_spec::*member, int lowest,
                                        int step = 1) {
  int& setting = spec.*member;
  const int current = setting;
  if (current <= lowest)
    return std::nullopt;
  auto fits_at = [&](int k) {
    setting = lowest + k * step;
    return fits(spec, context, seconds, limit);
  };
  if (!fits_at(0))
    return std::nullopt;
  int low = 0;
  int high = (current - 1 - lowest) / step;
  while (low < high) {
    int middle = (low + high + 1) / 2;
    if (fits_at(middle))
      low = middle;
    else
      high = middle - 1;
  }
  return suggestion{field, std::string(field) + " to at most " + std::to_string(lowest + low * step)};
}

/// The slowest preset, faster than the current one, that fits.
std::optional<suggestion> faster_preset(render_spec spec, const memory_context& context, double seconds,
                                        int64_t limit) {
  const std::string current = spec.preset;
  std::optional<suggestion> best;
  for (const auto& costs : x264_table) {
    if (current == costs.preset)
      break;
    spec.preset = costs.preset;
    if (fits(spec, context, seconds, limit))
      best = suggestion{"preset", std::string("preset to ") + costs.preset};
  }
  return best;
}

} // namespace

int64_t machine_memory_bytes() {
  int64_t memory = INT64_MAX;
  std::ifstream meminfo("/proc/meminfo");
  std::string name;
  int64_t kib = 0;
  while (meminfo >> name >> kib) {
    if (name == "MemTotal:") {
      memory = kib * 1024;
      break;
    }
    meminfo.ignore(INT32_MAX, '\n');
  }
  // "max" (no limit) reads as no number and leaves `memory` alone.
  for (const char* limit_file : {"/sys/fs/cgroup/memory.max", "/sys/fs/cgroup/memory/memory.limit_in_bytes"}) {
    std::ifstream limit(limit_file);
    int64_t bytes = 0;
    if (limit >> bytes && bytes > 0)
      memory = std::min(memory, bytes);
  }
  return memory == INT64_MAX ? int64_t{4} << 30 : memory;
}

int64_t default_memory_budget() { return machine_memory_bytes() / 10 * 7; }

int64_t to_mib(int64_t bytes) { return (bytes + mib - 1) / mib; }

int machine_threads() {
  int online = static_cast<int>(std::thread::hardware_concurrency());
  cpu_set_t set;
  CPU_ZERO(&set);
  int allowed = sched_getaffinity(0, sizeof set, &set) == 0 ? CPU_COUNT(&set) : 0;
  return std::max({1, online, allowed});
}

int64_t image_decode_bytes(const render_limits& limits) { return image_limits_of(limits).decode_bytes(); }

render_limits with_decode_share(render_limits limits, int decoders, int64_t budget) {
  if (limits.max_image_decode_bytes <= 0)
    limits.max_image_decode_bytes =
        std::min(default_max_decode_bytes(limits.max_image_pixels), budget / 2 / std::max(1, decoders));
  return limits;
}

int x264_threads(const render_spec& spec, int hardware_threads) {
  if (spec.encoder_threads > 0)
    return spec.encoder_threads;
  // x264's X264_THREADS_AUTO: 1.5 per CPU, at most one per two macroblock rows.
  int automatic = std::max(1, hardware_threads) * 3 / 2;
  int rows_cap = std::max(1, (spec.height + 15) / 16 / 2);
  return std::clamp(std::min(automatic, rows_cap), 1, 128);
}

int64_t x264_memory(const std::string& preset, int width, int height, int lookahead, int threads) {
  const x264_costs& costs = costs_of(preset);
  const double padded = static_cast<double>(width + 64) * (height + 64);
  const double frames = costs.per_frame > 0 ? std::max(0, lookahead - costs.free_lookahead) : 0;
  const double extra_threads = std::max(0, threads - 1);
  const double per_pixel = costs.base + costs.per_thread * extra_threads + costs.per_frame * frames;
  const double fixed = costs.fixed_mib * mib + costs.thread_fixed_mib * mib * extra_threads +
                       costs.frame_fixed_kib * 1024 * frames;
  return static_cast<int64_t>(std::ceil(padded * per_pixel + fixed));
}

memory_estimate estimate_job_memory(const render_spec& spec, const memory_context& context, double video_seconds) {
  memory_estimate estimate;
  const working_size work = working_size_for(spec.width, spec.height, working_zoom(spec));
  const int slides = std::min<int>(std::max(1, context.resident_slides),
                                   std::max<int>(1, static_cast<int>(spec.image_paths.size())));
  estimate.slide_images = slides * yuv420_bytes(work.width, work.height);
  // A contained or blurred slide also holds its scaled picture and the
  // small fill while it is composed: counted as if every live slide were.
  if (any_composed(spec))
    estimate.slide_images += slides * composition_bytes(work);
  estimate.frame_buffers = std::max(1, context.frames_in_flight) * frame_bytes(spec.width, spec.height) +
                           std::max(1, context.render_threads) * yuv420_bytes(spec.width, spec.height);
  if (spec.pictures.poster)
    estimate.frame_buffers += poster_bytes(spec.width, spec.height);
  estimate.encoder = x264_memory(spec.preset, spec.width, spec.height, spec.lookahead,
                                 x264_threads(spec, context.hardware_threads));
  estimate.audio = audio_bytes(spec, video_seconds);
  estimate.image_decoding = std::max(0, context.image_decodes) * context.image_decode_bytes;
  estimate.other = other_bytes(spec.width, spec.height);
  estimate.captions = captions::caption_memory_bytes(spec.captions, spec.width, spec.height,
                                                     context.render_threads, video_seconds);
  return estimate;
}

double longest_video_seconds(const render_spec& spec, const render_limits& limits) {
  if (auto fixed = fixed_audio_seconds(spec))
    return *fixed;
  return std::min(limits.max_audio_seconds, static_cast<double>(limits.max_output_frames) / std::max(1, spec.fps));
}

status check_job_memory(const render_spec& spec, const memory_context& context, double video_seconds,
                        int64_t limit_bytes, const std::string& limit_name) {
  const memory_estimate estimate = estimate_job_memory(spec, context, video_seconds);
  if (estimate.total() <= limit_bytes)
    return {};
  std::vector<suggestion> options;
  auto add = [&](std::optional<suggestion> option) {
    if (option)
      options.push_back(std::move(*option));
  };
  add(smaller_resolution(spec, context, video_seconds, limit_bytes));
  add(smaller_zoom(spec, context, video_seconds, limit_bytes));
  add(smaller_count(spec, context, video_seconds, limit_bytes, "lookahead", &render_spec::lookahead, 0));
  add(faster_preset(spec, context, video_seconds, limit_bytes));
  render_spec threads = spec;
  threads.encoder_threads = x264_threads(spec, context.hardware_threads);
  add(smaller_count(threads, context, video_seconds, limit_bytes, "encoder_threads", &render_spec::encoder_threads,
                    1));
  // A long narration's packets: in whole kilobits per second.
  if (!spec.audio_path.empty())
    add(smaller_count(spec, context, video_seconds, limit_bytes, "audio_bitrate", &render_spec::audio_bitrate, 32000,
                      1000));

  std::string message = "the job needs an estimated " + mib_text(estimate.total()) + " MB (slide images " +
                        mib_text(estimate.slide_images) + ", frame buffers " + mib_text(estimate.frame_buffers) +
                        ", x264 " + mib_text(estimate.encoder) + ", audio " + mib_text(estimate.audio) +
                        (estimate.image_decoding > 0 ? ", image decoding " + mib_text(estimate.image_decoding) : "") +
                        ", other " + mib_text(estimate.other) +
                        (estimate.captions > 0 ? ", captions " + mib_text(estimate.captions) : std::string()) +
                        "), over the " + mib_text(limit_bytes) + " MB a job may use (" + limit_name + "); ";
  if (options.empty()) {
    message += "no single setting brings it under: lower several of resolution, zoom_factor, lookahead, preset, "
               "encoder_threads and audio_bitrate";
    return make_error(errc::invalid_argument, message, "resolution");
  }
  message += "lower ";
  for (size_t i = 0; i < options.size(); ++i)
    message += (i == 0 ? "" : (i + 1 == options.size() ? " or " : ", ")) + options[i].text;
  return make_error(errc::invalid_argument, message, options.front().field);
}

} // namespace vs::media
