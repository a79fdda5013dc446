#pragma once
/// Reading the job index (job_index_key): the newest jobs any worker of
/// this service took on, each with its task hash, in one script call, so a
/// worker's GET /jobs lists the whole cluster's jobs and not only its own.

#include "jobs/job_service.hpp"
#include "redis/field_map.hpp"
#include "redis/redis_client.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vs::redis {

struct indexed_job {
  std::string id;
  int64_t listed_ms = 0;  ///< when a worker first took it on (Unix ms)
  field_map fields;       ///< its task hash; empty once that expired or was deleted
};

/// The newest `count` jobs of the index, newest first.
expected<std::vector<indexed_job>> newest_jobs(redis_client& client, size_t count);

/// The jobs of `shared` as snapshots, with `local` (this process's own,
/// fresher) in place of their Redis copies; only those matching `query`,
/// newest first, at most query.limit. Hashes gone or not ours are skipped.
std::vector<jobs::job_snapshot> merge_recent(std::vector<jobs::job_snapshot> local,
                                             const std::vector<indexed_job>& shared, const jobs::job_query& query);

} // namespace vs::redis
