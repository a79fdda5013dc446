#pragma once
/// Key names: the ones PROTOCOL.md fixes (`task:{id}`, `queue:{service}`)
/// and the service's own, all under the `video-service:` prefix.

#include <string>

namespace vs::redis {

inline const std::string service_name = "video-service";

inline std::string task_key(const std::string& id) { return "task:" + id; }
inline std::string queue_key(const std::string& service) { return "queue:" + service; }
/// Where the reaper sends a task that killed its workers too often.
inline std::string dead_queue_key() { return queue_key(service_name) + ":dead"; }
/// The ids a worker took off the queue and has not finished yet.
inline std::string processing_key(const std::string& worker) { return service_name + ":processing:" + worker; }
/// Exists (with a TTL) while the worker is alive.
inline std::string heartbeat_key(const std::string& worker) { return service_name + ":worker:" + worker; }
/// Every worker that may own a processing list.
inline std::string workers_key() { return service_name + ":workers"; }
/// Every job this service's workers took on (Redis tasks claimed, HTTP jobs
/// mirrored), a sorted set scored by when it was first seen (Unix ms), so
/// that any worker's GET /jobs lists them all; the newest job_index_size kept.
inline std::string job_index_key() { return service_name + ":jobs"; }
inline constexpr int job_index_size = 10000;
/// The counter that hands out fencing tokens.
inline std::string fence_key() { return service_name + ":fence"; }

/// Chunks of long jobs (issue 11), on a reliable queue of their own.
inline std::string chunk_queue_key() { return queue_key(service_name) + ":chunks"; }
/// A chunk's id: its job and its number in the job.
inline std::string chunk_id(const std::string& job, int index) { return job + ":" + std::to_string(index); }
/// One chunk's state (status, fence, worker, attempts, frames, result_ref).
inline std::string chunk_key(const std::string& chunk) { return service_name + ":chunk:" + chunk; }
/// A chunked job's plan: its owner's token, the render spec, the narration's length, the chunk count.
inline std::string chunk_plan_key(const std::string& job) { return service_name + ":chunks:" + job; }
/// The chunk ids a worker took off the chunk queue and has not finished yet.
inline std::string chunk_processing_key(const std::string& worker) {
  return service_name + ":chunk-processing:" + worker;
}

} // namespace vs::redis
