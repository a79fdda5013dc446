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
  bool claimed = false;
  std::string token;        ///< the fence: every later write presents it
  int64_t attempts = 0;
  std::string skip_reason;  ///< why not, when !claimed
};

struct reaped_task {
  std::string id;
  std::string outcome;      ///< "requeued", "dead" or "dropped"
};

/// HGETALL task:{id}; nullopt when there is no such hash.
expected<std::optional<field_map>> read_task(redis_client& client, const std::string& id);

class task_queue {
public:
  task_queue(redis_client& client, std::string worker_id);

  const std::string& worker_id() const { return worker_; }

  /// Moves the oldest id from the queue into this worker's processing list,
  /// waiting up to `block`. nullopt when the queue stayed empty.
  expected<std::optional<std::string>> pop(std::chrono::milliseconds block);
  expected<claim_result> claim(const std::string& id);
  expected<std::optional<field_map>> read(const std::string& id) { return read_task(client_, id); }

  /// These return false when the token no longer owns the task (another
  /// worker reclaimed it): the write was not made.
  expected<bool> progress(const std::string& id, const std::string& token, int percent);
  /// Marks success and triggers the consumers.
  expected<bool> complete(const std::string& id, const std::string& token, const std::string& result_ref,
                          double duration_seconds, int64_t file_size);
  expected<bool> fail(const std::string& id, const std::string& token, const std::string& message);
  expected<bool> release(const std::string& id, const std::string& token);

  /// Writes an HTTP job's hash (expiring after `ttl`); false if the key
  /// belongs to a pipeline task.
  expected<bool> mirror_http_job(const std::string& id, const std::vector<std::pair<std::string, std::string>>& fields,
                                 std::chrono::seconds ttl);

  /// Renews this worker's heartbeat key (TTL `lease`) and registers the worker.
  status heartbeat(std::chrono::milliseconds lease);
  /// Recovers the processing lists of workers whose heartbeat expired.
  expected<std::vector<reaped_task>> reap(int max_attempts);
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
