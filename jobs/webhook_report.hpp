#pragma once
/// What a job snapshot shows of the job's webhook (`"webhook"` in GET
/// /jobs/{id}): where it goes, how its delivery stands, the latest attempts.
/// Filled in by webhooks/webhook_job_service; plain data.

#include <cstdint>
#include <string>
#include <vector>

namespace vs::jobs {

struct webhook_attempt {
  int64_t at_ms = 0;       ///< when it was sent, Unix epoch milliseconds
  int status = 0;          ///< the receiver's HTTP status; 0: none (see error)
  std::string error;       ///< why there was no answer (connect, timeout, refused address)
  int64_t ms = 0;          ///< how long the attempt took
};

/// Attempts a report keeps: the most recent ones.
inline constexpr size_t webhook_attempts_kept = 20;

struct webhook_report {
  std::string url;                        ///< redacted: no query string
  std::string event;                      ///< job.succeeded, job.failed or job.cancelled
  std::string delivery_id;
  std::string state;                      ///< pending, delivered or failed
  std::vector<webhook_attempt> attempts;  ///< the latest webhook_attempts_kept, oldest first
  int64_t attempt_count = 0;              ///< all attempts so far
  int64_t next_attempt_ms = 0;            ///< while pending: when the next attempt is due
};

} // namespace vs::jobs
