#pragma once
/// The clock of job timestamps (created_at_ms, started_at_ms, finished_at_ms,
/// a webhook's attempts, the job index's scores): Unix epoch milliseconds.

#include <chrono>
#include <cstdint>

namespace vs::jobs {

inline int64_t now_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
    .count();
}

} // namespace vs::jobs
