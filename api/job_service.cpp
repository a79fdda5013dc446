#include "api/job_service.hpp"

namespace vs::api {

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

} // namespace vs::api
