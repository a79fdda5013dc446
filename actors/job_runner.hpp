#pragma once
/// Drives one admitted job through pipelined stages:
///   prepare (detached: probe every image, encode the narration; beside it,
///     when the job has captions, read or time them)
///   → plan (timeline + render plan)
///   → slides from the decoder pool, one working image per slide, requested
///     a second of video ahead and dropped once no frame left to issue needs
///     it; at most `slide_window` slides are alive at once (held, being
///     decoded, or referenced by frames being rendered), however short they are
///   → frames to the renderer pool, at most `credits` in flight, each drawn
///     into a buffer from the job's own small pool
///   → frames in order to the job's video_sink, buffers back to the pool.
/// Reports progress, then done or failed, to the coordinator and quits.

#include "actors/actors.hpp"
#include "actors/chunk_work.hpp"
#include "actors/pipeline_counters.hpp"
#include "media/memory_estimate.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vs::actors {

struct runner_setup {
  std::string job_id;
  media::render_spec spec;       ///< validated, output_path set
  media::render_limits limits;
  job_coordinator_actor coordinator;
  image_decoder_actor decoders;
  frame_renderer_actor renderers;
  int credits = 6;               ///< frames in flight for this job
  std::shared_ptr<pipeline_counters> counters;
  /// Checked again once the narration sets the length: a long one adds to
  /// what the job was admitted with.
  media::memory_context memory;
  int64_t max_job_memory = INT64_MAX;
  /// Set on a worker with Redis and CHUNK_SECONDS > 0: a long job is split
  /// into chunks that any worker renders (actors/chunk_work).
  std::optional<chunk_settings> chunking;
  /// Holds the job's chunk plan: the Redis task's fence (the job's tag),
  /// or a token of this worker's own for an HTTP job.
  std::string owner_token;
  std::string output_dir;      ///< OUTPUT_DIR (prepare_request)
};

struct job_runner_state {
  job_runner_state() = default;
  ~job_runner_state();
  static inline const char* name = "job_runner";

  runner_setup setup;
  cancel_flag cancelled = std::make_shared<std::atomic<bool>>(false);
  bool ended = false;            ///< reported, or about to: ignore late answers
  bool finishing = false;        ///< every frame encoded, the sink is finishing the file
  bool chunked = false;          ///< a chunk owner renders the job; it reports the end
  video_sink_actor sink;
  bool sink_ready = false;

  std::optional<audio_ptr> audio;  ///< set once the narration is encoded
  captions_ptr captions;
  bool captions_ready = true;      ///< false while the caption preparer works

  plan_ptr plan;
  int64_t total = 0;
  int64_t lookahead = 24;        ///< frames: a slide is requested this far ahead

  /// Slides alive at once, per job: the two a crossfade shows and the next
  /// one, decoded ahead. Bounds a job's working images to 3 whatever the
  /// number and length of its slides (media/memory_estimate counts on it).
  static constexpr int slide_window = 3;

  std::vector<media::slide_image> slides;  ///< the working images held right now
  int next_slide_request = 0;
  int next_slide_release = 0;
  /// Frames sent to the renderers and not back yet → the first slide each
  /// shows: the oldest slide an in-flight frame may still be reading.
  std::map<int64_t, int> rendering;

  std::vector<frame_ptr> free_frames;
  int allocated_frames = 0;
  int64_t next_issue = 0;        ///< next frame to send to the renderers
  int64_t next_encode = 0;       ///< next frame to send to the sink
  int64_t encoded = 0;
  std::map<int64_t, frame_ptr> reorder;  ///< rendered, waiting for their turn

  int64_t rendered_since_report = 0;
  std::chrono::steady_clock::time_point last_report{};

  int64_t in_flight() const { return allocated_frames - static_cast<int64_t>(free_frames.size()); }
};

job_runner_actor::behavior_type job_runner(job_runner_actor::stateful_pointer<job_runner_state> self,
                                           runner_setup setup);

} // namespace vs::actors
