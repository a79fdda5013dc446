#pragma once
/// Prometheus text exposition (format 0.0.4) of the service counters.

#include "jobs/job_service.hpp"

#include <string>

namespace vs::api {

std::string render_metrics(const jobs::service_stats& stats);

} // namespace vs::api
