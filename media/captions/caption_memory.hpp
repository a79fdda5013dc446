#pragma once
/// What burned-in captions hold while a job renders, as an upper bound for
/// media/memory_estimate: each render thread's libass renderer (its fonts,
/// glyph and bitmap caches, capped by caption_painter) and the caption
/// pictures it blends, plus the job's laid-out script and every thread's
/// parsed copy of it. Measured with real renderers (docs/captions.md,
/// "Memory"): 11-44 MB a thread from 360p to 4K and font sizes 0.03-0.2.

#include "media/render_spec.hpp"

#include <cstdint>

namespace vs::media::captions {

/// Bytes for `request` on `width` × `height` frames drawn by
/// `render_threads` threads, for `video_seconds` of video. 0 without captions.
int64_t caption_memory_bytes(const caption_request& request, int width, int height, int render_threads,
                             double video_seconds);

} // namespace vs::media::captions
