#pragma once
/// Renders a job's frames ahead on several threads and hands them to one
/// consumer strictly in order. A fixed ring of encoder-ready frames bounds
/// memory: a worker may only start frame k once frame k − ring size has been
/// consumed, so a slow encoder makes the renderers wait, never pile up.

#include "media/error.hpp"
#include "media/video_encoder.hpp"

#include <atomic>
#include <cstdint>
#include <functional>

namespace vs::media {

struct frame_pipeline_settings {
  int64_t frame_count = 0;
  int width = 0;
  int height = 0;
  int threads = 1;      ///< render threads
  int ring_size = 4;    ///< frames in flight, at least threads + 1
  /// How many frames must have been consumed before frame `index` may
  /// start (at most `index`); empty: only the ring bounds it. Lets the
  /// caller bound what the frames in flight hold (render_job: their slides).
  std::function<int64_t(int64_t index)> consumed_before;
};

/// Draws frame `index` into `target`; called concurrently from the render
/// threads, each with its own `worker` number (0 .. threads−1).
using frame_producer = std::function<status(int64_t index, picture_view target, int worker)>;
/// Takes frame `index` (the frames arrive as 0, 1, 2, …) on the calling thread.
using frame_consumer = std::function<status(int64_t index, video_frame& frame)>;

/// Runs producer and consumer until every frame is consumed, one of them
/// fails, or `cancel` becomes true (errc::cancelled). The first error wins.
status run_frame_pipeline(const frame_pipeline_settings& settings, const frame_producer& produce,
                          const frame_consumer& consume, const std::atomic<bool>* cancel);

} // namespace vs::media
