#pragma once
/// Job snapshots ↔ task hashes: an HTTP job written as a `task:{id}` hash
/// (so every worker can answer a status poll for it), and any task hash read
/// back as a job snapshot.

#include "jobs/job_service.hpp"
#include "redis/task_queue.hpp"

#include <string>
#include <utility>
#include <vector>

namespace vs::redis {

/// A chunked job's `chunks_done` and `chunks_total` (none for a job rendered whole).
std::vector<std::pair<std::string, std::string>> chunk_fields(const jobs::job_snapshot& job);

/// The fields to HSET for an HTTP job (PROTOCOL.md's names plus ours).
std::vector<std::pair<std::string, std::string>> http_job_fields(const jobs::job_snapshot& job,
                                                                 const std::string& worker);

/// A task hash as the API shows a job: status → state, progress 0..100 →
/// 0..1, result_ref/duration/file_size → result, error → failure.
jobs::job_snapshot snapshot_from_task(const std::string& id, const field_map& fields);

} // namespace vs::redis
