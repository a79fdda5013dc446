#include "webhooks/webhook_outbox.hpp"

#include "jobs/json_text.hpp"
#include "webhooks/callback_url.hpp"

#include <nlohmann/json.hpp>

namespace vs::webhooks {

std::string attempts_to_json(const std::vector<jobs::webhook_attempt>& attempts) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& attempt : attempts)
    list.push_back({{"at", attempt.at_ms}, {"status", attempt.status}, {"error", attempt.error}, {"ms", attempt.ms}});
  return jobs::json_text(list);
}

std::vector<jobs::webhook_attempt> attempts_from_json(const std::string& text) {
  std::vector<jobs::webhook_attempt> attempts;
  auto list = nlohmann::json::parse(text, nullptr, false);
  if (!list.is_array())
    return attempts;
  for (const auto& entry : list) {
    if (!entry.is_object())
      continue;
    // Written by this service, but read from Redis: a field of another
    // type is skipped, never thrown on.
    auto number = [&](const char* name) -> int64_t {
      auto found = entry.find(name);
      return found != entry.end() && found->is_number_integer() ? found->get<int64_t>() : 0;
    };
    auto found_error = entry.find("error");
    jobs::webhook_attempt attempt;
    attempt.at_ms = number("at");
    attempt.status = static_cast<int>(number("status"));
    attempt.error = found_error != entry.end() && found_error->is_string() ? found_error->get<std::string>() : "";
    attempt.ms = number("ms");
    attempts.push_back(std::move(attempt));
  }
  return attempts;
}

jobs::webhook_report report_of(const delivery_record& delivery) {
  jobs::webhook_report report;
  report.url = redacted_url(delivery.url);
  report.event = delivery.event;
  report.delivery_id = delivery.id;
  report.state = delivery.state;
  report.attempts = delivery.attempts;
  report.attempt_count = delivery.attempt_count;
  report.next_attempt_ms = delivery.next_attempt_ms;
  return report;
}

} // namespace vs::webhooks
