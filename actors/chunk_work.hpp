#pragma once
/// Chunked rendering (issue 11) as blocking steps, for the detached actors
/// that run them: rendering one chunk off the chunk queue (any worker), and
/// owning a chunked job (plan, render chunks while waiting, stitch, clean
/// up). Plain C++ over media/ and redis/: no CAF in here.
///
/// Segments live in `OUTPUT_DIR/video/.chunks/{job}/{index}-f{fence}.mp4`:
/// the fence in the name means a stale worker writes a file nobody reads,
/// never over the current owner's. Only the job's owner creates the folder,
/// and it removes the folder with the plan when the job ends however it
/// ends, so a late worker cannot recreate it (output_file needs the folder).

#include "media/captions/caption_layout.hpp"
#include "media/chunk_plan.hpp"
#include "media/error.hpp"
#include "media/render_spec.hpp"
#include "media/segment_stitcher.hpp"
#include "redis/chunk_queue.hpp"
#include "redis/redis_endpoint.hpp"

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

namespace vs::actors {

struct chunk_settings {
  redis::redis_endpoint endpoint;
  std::string worker_id;
  std::string output_dir;          ///< segments go under output_dir/video/.chunks
  media::render_limits limits;
  int chunk_seconds = 30;          ///< CHUNK_SECONDS; 0: off
  std::chrono::milliseconds lease{15'000};
  /// Chunks this worker rendered (/metrics), shared by every copy.
  std::shared_ptr<std::atomic<int64_t>> chunks_rendered = std::make_shared<std::atomic<int64_t>>(0);
};

/// Where the segments of `job` are written.
std::string segment_folder(const std::string& output_dir, const std::string& job);

/// Claims chunk `id` (already moved into this worker's chunk list), renders
/// it and records the outcome (fenced). `stop` (shutdown) hands the chunk
/// back to the queue.
status render_popped_chunk(redis::chunk_queue& queue, const std::string& id, const chunk_settings& settings,
                           const std::atomic<bool>* stop);

/// Takes the oldest chunk off the chunk queue, if any, and renders it as
/// above. False when there was none to take.
expected<bool> render_next_chunk(redis::chunk_queue& queue, const chunk_settings& settings,
                                 const std::atomic<bool>* stop);

/// What the owner of a chunked job needs.
struct chunked_job {
  std::string id;
  std::string owner_token;          ///< the task's fence, or the HTTP job's own token
  media::render_spec spec;          ///< output_path: the final MP4
  std::shared_ptr<const media::encoded_audio> audio;
  std::vector<media::frame_range> chunks;
  /// The frame the poster JPEG shows (beside the video, written before it
  /// lands); none: the job asked for no poster.
  std::optional<int64_t> poster_frame;
  /// The captions the owner prepared (null: none): the plan carries their
  /// layout to every chunk, and the owner writes the .srt beside the video.
  std::shared_ptr<const media::captions::caption_layout> captions;
};

/// Plans the chunks, renders chunks (its own or others') until every one of
/// its own is done, writes the poster if the job has one, and stitches
/// them into spec.output_path. `progress`
/// gets frames done across the chunks, chunks done and the totals.
/// Whatever the outcome, the plan and the segments are removed, unless a
/// newer owner holds the job. errc::cancelled when `cancel` rose.
expected<media::stitch_result> run_chunked_job(
    const chunk_settings& settings, const chunked_job& job,
    const std::function<void(int64_t frames, int64_t total, int chunks_done, int chunks)>& progress,
    const std::atomic<bool>* cancel);

} // namespace vs::actors
