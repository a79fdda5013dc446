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
/// The counter that hands out fencing tokens.
inline std::string fence_key() { return service_name + ":fence"; }

} // namespace vs::redis
