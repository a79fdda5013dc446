#pragma once
/// The reliable queue and fenced task state on top of one redis_client:
/// what a worker does with `queue:video-service` and `task:{id}` hashes.
///
///   pop      BLMOVE queue → this worker's processing list (nothing is lost
///            if the worker dies now: the reaper finds it there)
///   claim    queued/ready → processing, with a fencing token
///   progress / complete / fail / release: only while the token still owns the task
///   heartbeat + reap: dead workers' tasks go back on the queue

#include "redis/field_map.hpp"
#include "redis/redis_client.hpp"

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vs::redis {

struct claim_result {
  enum class kind {
    claimed,   ///< ours now: render it
    skipped,   ///< not ours or not ready (already running, done, another service's): dropped from our list
    rejected,  ///< malformed: failed (if a hash) and put on the dead queue; dropped from our list
    blocked,   ///< our own keys are broken (fence counter, dead queue): the id stays in our list
  };
  kind outcome = kind::skipped;
  std::string token;        ///< the fence: every later write presents it
  int64_t attempts = 0;
  std::string reason;       ///< why not claimed

  bool claimed() const { return outcome == kind::claimed; }
};

/// What a fenced final write (complete, fail, release) did.
struct write_result {
  enum class kind {
    made,          ///< written now
    already_made,  ///< an earlier call whose answer was lost had written it
    lease_lost,    ///< another worker owns the task now: nothing written
    refused,       ///< our own keys are broken (`detail` says how): nothing written
  };
  kind outcome = kind::made;
  int64_t consumers_queued = 0;  ///< complete: consumers pushed onto their queues
  std::string detail;            ///< complete: malformed consumers skipped; refused: why

  bool landed() const { return outcome == kind::made || outcome == kind::already_made; }
};

struct reaped_task {
  std::string id;
  std::string outcome;      ///< "requeued", "dead" or "dropped"
};

/// HGETALL task:{id}; nullopt when there is no such key, errc::input_invalid
/// when the key is no hash.
expected<std::optional<field_map>> read_task(redis_client& client, const std::string& id);

class task_queue {
public:
  task_queue(redis_client& client, std::string worker_id);

  const std::string& worker_id() const { return worker_; }

  /// Moves the oldest id from the queue into this worker's processing list,
  /// waiting up to `block`. nullopt when the queue stayed empty.
  expected<std::optional<std::string>> pop(std::chrono::milliseconds block);
  /// `resume`: the id may be one this worker claimed in a call whose answer
  /// was lost; if so, it is handed back as claimed with its token.
  expected<claim_result> claim(const std::string& id, bool resume = false);
  /// The ids in this worker's processing list, oldest last.
  expected<std::vector<std::string>> processing_ids();
  expected<std::optional<field_map>> read(const std::string& id) { return read_task(client_, id); }

  /// False when the token no longer owns the task (another worker
  /// reclaimed it): the write was not made.
  /// `extra`: fields written with it (a chunked job's chunk counts).
  expected<bool> progress(const std::string& id, const std::string& token, int percent,
                          const std::vector<std::pair<std::string, std::string>>& extra = {});
  /// Marks success and triggers the consumers; a non-empty `poster_ref`
  /// (the poster JPEG beside the video) and `captions_ref` (the .srt beside
  /// it) are recorded on the task, an empty one removes an older value.
  expected<write_result> complete(const std::string& id, const std::string& token, const std::string& result_ref,
                                  double duration_seconds, int64_t file_size, const std::string& poster_ref = {},
                                  const std::string& captions_ref = {});
  expected<write_result> fail(const std::string& id, const std::string& token, const std::string& message);
  expected<write_result> release(const std::string& id, const std::string& token);
  /// The last resort for a task whose final state cannot be written: puts
  /// the id on the dead queue (once) and drops it from this worker's list,
  /// with plain commands (no script), so an operator sees it.
  status park(const std::string& id);

  /// Writes an HTTP job's hash (expiring after `ttl`) and lists the job in
  /// the job index (job_index_key) as created at `created_ms`; false if the
  /// key belongs to a pipeline task.
  expected<bool> mirror_http_job(const std::string& id, int64_t created_ms,
                                 const std::vector<std::pair<std::string, std::string>>& fields,
                                 std::chrono::seconds ttl);

  /// Renews this worker's heartbeat key (TTL `lease`) and registers the worker.
  status heartbeat(std::chrono::milliseconds lease);
  /// Recovers the processing lists of workers whose heartbeat expired.
  expected<std::vector<reaped_task>> reap(int max_attempts);
  /// Recovers this worker's own list as the reaper would: what an earlier
  /// process with the same worker id left there. Run before the first pop.
  expected<std::vector<reaped_task>> recover(int max_attempts);
  /// Removes this worker's heartbeat and registration (clean shutdown).
  status retire();

private:
  redis_client& client_;
  std::string worker_;
};

/// A connection of its own and the task operations on it: what each Redis
/// actor holds (a client is not thread-safe, so actors never share one).
class worker_connection {
public:
  worker_connection(const redis_endpoint& endpoint, const std::string& worker_id)
      : client_(endpoint), queue_(client_, worker_id) {}
  redis_client& client() { return client_; }
  task_queue& queue() { return queue_; }

private:
  redis_client client_;
  task_queue queue_;
};

} // namespace vs::redis
