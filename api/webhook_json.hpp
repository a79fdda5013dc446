#pragma once
/// The `"webhook"` object of a job snapshot (api/webhook_report.hpp) as JSON.

#include "api/webhook_report.hpp"

#include <nlohmann/json_fwd.hpp>

namespace vs::api {

nlohmann::json webhook_json(const webhook_report& report);

} // namespace vs::api
