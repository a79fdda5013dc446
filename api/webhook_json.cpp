#include "api/webhook_json.hpp"

#include "api/job_json.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

nlohmann::json webhook_json(const jobs::webhook_report& report) {
  nlohmann::json attempts = nlohmann::json::array();
  for (const auto& attempt : report.attempts) {
    nlohmann::json entry = {{"at", iso8601_utc(attempt.at_ms)}};
    if (attempt.status != 0)
      entry["status"] = attempt.status;
    else
      entry["error"] = attempt.error;
    entry["ms"] = attempt.ms;
    attempts.push_back(std::move(entry));
  }
  nlohmann::json out = {{"url", report.url},           {"event", report.event},
                        {"delivery_id", report.delivery_id}, {"state", report.state},
                        {"attempt_count", report.attempt_count}, {"attempts", std::move(attempts)}};
  if (report.state == "pending" && report.next_attempt_ms > 0)
    out["next_attempt_at"] = iso8601_utc(report.next_attempt_ms);
  return out;
}

} // namespace vs::api
