#pragma once
/// How much memory a job needs while it renders, from its geometry and
/// settings alone, as an upper bound: working slide images, frame buffers,
/// libx264 (lookahead, reference and per-thread frames, by preset), the
/// narration and burned-in captions. The x264 figures are measured (bench/x264_memory.cpp), the
/// whole calibrated against real renders (bench/memory_calibration.cpp).
/// Admission uses it to refuse a job that can never fit and to run only as
/// many jobs as the worker's memory holds.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <cstdint>
#include <string>

namespace vs::media {

/// The pipeline a job runs in: what, besides the spec, decides how many
/// pictures are alive at once.
struct memory_context {
  int hardware_threads = 1;   ///< cores x264 sees: its automatic thread count is 1.5 × this
  int render_threads = 1;     ///< threads composing frames, each with a scratch picture
  int frames_in_flight = 4;   ///< encoder-ready frame buffers a job holds at most
  int resident_slides = 3;    ///< working images alive at once (at most the slide count)
  /// Image decodes the job runs itself at once (the CLI's render threads);
  /// 0 in the service, whose decoder pool is reserved from the budget.
  int image_decodes = 0;
  int64_t image_decode_bytes = 0;  ///< the most one of them may take (image_decode_bytes())
};

/// Bytes, by what holds them.
struct memory_estimate {
  int64_t slide_images = 0;   ///< working images: output × zoom in YUV 4:2:0
  int64_t frame_buffers = 0;  ///< frames in flight plus the render threads' scratch
  int64_t encoder = 0;        ///< libx264
  int64_t audio = 0;          ///< encoded narration and the MP4 index, by length
  int64_t image_decoding = 0; ///< the job's own image decodes (memory_context::image_decodes)
  int64_t other = 0;          ///< codec contexts, encoded packets, stage threads, allocator slack
  int64_t captions = 0;       ///< libass renderers, caption pictures and script (media/captions/caption_memory)

  int64_t total() const { return slide_images + frame_buffers + encoder + audio + image_decoding + other + captions; }
};

/// The estimate for `spec` producing `video_seconds` of video.
memory_estimate estimate_job_memory(const render_spec& spec, const memory_context& context, double video_seconds);

/// libx264's resident memory for a `width` × `height` encode with `preset`,
/// rc-lookahead `lookahead` and `threads` frame threads (measured, rounded up).
int64_t x264_memory(const std::string& preset, int width, int height, int lookahead, int threads);

/// The most memory one image decode may take under `limits`: its
/// max_image_decode_bytes, else 12 bytes a pixel at max_image_pixels plus
/// 32 MiB (media/decode_cost; an image whose decode would take more is
/// refused). The decoder pool is shared by every job, so no job's estimate
/// holds it: `serve` reserves decoders × this from its memory budget.
int64_t image_decode_bytes(const render_limits& limits);

/// The limits with max_image_decode_bytes set for `decoders` decodes at
/// once within `budget`: what the pixel limit needs, but at most half the
/// budget for all of them together, so that a small budget refuses the
/// dearest images rather than every job.
render_limits with_decode_share(render_limits limits, int decoders, int64_t budget);

/// The frame threads x264 runs for `spec` on a machine with `hardware_threads`.
int x264_threads(const render_spec& spec, int hardware_threads);

/// The longest video `spec` can make: its own length when the slides set it,
/// else the longest narration `limits` accept (the estimate must be an upper
/// bound before the audio is decoded).
double longest_video_seconds(const render_spec& spec, const render_limits& limits);

/// Refuses (errc::invalid_argument) a job whose estimate is over
/// `limit_bytes`, naming the estimate, the limit (`limit_name`) and, for each
/// of resolution, zoom_factor, lookahead, preset and encoder_threads, the
/// value that alone would make it fit.
status check_job_memory(const render_spec& spec, const memory_context& context, double video_seconds,
                        int64_t limit_bytes, const std::string& limit_name);

/// CPUs this process may use (the larger of the online count and the
/// affinity mask, as x264 counts them).
int machine_threads();

/// The memory this process may use: the smaller of MemTotal and the cgroup
/// (v2 or v1) limit.
int64_t machine_memory_bytes();

/// What running jobs may hold by default: 70% of machine_memory_bytes(); the
/// rest is for the process itself, the image decoders, HTTP and the system.
int64_t default_memory_budget();

/// Bytes → whole MiB, rounded up (for messages and settings).
int64_t to_mib(int64_t bytes);

} // namespace vs::media
