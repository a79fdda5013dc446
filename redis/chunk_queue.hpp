#pragma once
/// Chunked jobs (issue 11) on Redis: the owner's plan and the chunk queue.
///
///   owner:  plan (create, or adopt after claiming the job again: chunks
///           done stay done) → states (poll) → cancel (removes every chunk;
///           also how a finished job forgets its plan)
///   worker: pop (chunk queue → own chunk processing list) → claim (fence)
///           → progress / complete / fail / release, all fenced
///   reaper: task_queue::reap and recover requeue a dead worker's chunks
///
/// Keys in task_keys.hpp; scripts in chunk_scripts.hpp.

#include "media/chunk_plan.hpp"
#include "redis/redis_client.hpp"
#include "redis/task_queue.hpp"

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::redis {

/// One chunk as its owner sees it.
struct chunk_state {
  std::string status;      ///< queued, processing, done, failed (missing: removed)
  int64_t frames = 0;      ///< frames rendered so far (all of them once done)
  std::string result_ref;  ///< the segment, once done
  std::string error;       ///< once failed

  bool done() const { return status == "done"; }
  bool failed() const { return status == "failed" || status == "missing"; }
};

/// What a worker learns when it claims a chunk.
struct chunk_claim {
  bool claimed = false;
  std::string reason;        ///< why not
  std::string token;         ///< the fence: every later write presents it
  int64_t attempts = 0;
  std::string job;
  int index = 0;
  media::frame_range range;
  std::string spec;          ///< the job's render spec as the owner wrote it
  std::string audio_seconds; ///< the narration's length (empty: silent)
};

/// "job:index" → job and index; nullopt if malformed.
std::optional<std::pair<std::string, int>> parse_chunk_id(const std::string& id);

class chunk_queue {
public:
  chunk_queue(redis_client& client, std::string worker_id);

  /// Creates the plan of `job` with `chunks` (or adopts the existing one, see
  /// chunk_scripts.hpp). nullopt: another owner holds it (this one lost the job).
  expected<std::optional<std::vector<chunk_state>>> plan(const std::string& job, const std::string& owner_token,
                                                         const std::string& spec, const std::string& audio_seconds,
                                                         const std::vector<media::frame_range>& chunks,
                                                         std::chrono::seconds ttl);
  /// The chunks' states; nullopt when the plan is gone (cancelled).
  expected<std::optional<std::vector<chunk_state>>> states(const std::string& job);
  /// Removes the plan and every chunk. False when another owner holds it.
  expected<bool> cancel(const std::string& job, const std::string& owner_token);

  /// Moves the oldest chunk id into this worker's chunk list, waiting up to
  /// `block` (0: not at all). nullopt when there is none.
  expected<std::optional<std::string>> pop(std::chrono::milliseconds block);
  expected<chunk_claim> claim(const std::string& id);
  /// False when the token no longer owns the chunk: stop rendering it.
  expected<bool> progress(const std::string& id, const std::string& token, int64_t frames);
  expected<write_result> complete(const std::string& id, const std::string& token, const std::string& result_ref,
                                  int64_t file_size);
  expected<write_result> fail(const std::string& id, const std::string& token, const std::string& message);
  expected<write_result> release(const std::string& id, const std::string& token);
  /// The chunk ids in this worker's chunk list.
  expected<std::vector<std::string>> processing_ids();

private:
  redis_client& client_;
  std::string worker_;
};

} // namespace vs::redis
