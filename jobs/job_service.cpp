#include "jobs/job_service.hpp"

namespace vs::jobs {

const char* to_string(job_state state) {
  switch (state) {
    case job_state::queued: return "queued";
    case job_state::processing: return "processing";
    case job_state::success: return "success";
    case job_state::failed: return "failed";
    case job_state::cancelled: return "cancelled";
  }
  return "unknown";
}

std::optional<job_state> job_state_named(const std::string& name) {
  for (auto state : {job_state::queued, job_state::processing, job_state::success, job_state::failed,
                     job_state::cancelled})
    if (name == to_string(state))
      return state;
  return std::nullopt;
}

} // namespace vs::jobs
