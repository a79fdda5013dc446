#pragma once
/// The `"webhook"` object of a job snapshot (jobs/webhook_report.hpp) as JSON.

#include "jobs/webhook_report.hpp"

#include <nlohmann/json_fwd.hpp>

namespace vs::api {

nlohmann::json webhook_json(const jobs::webhook_report& report);

} // namespace vs::api
