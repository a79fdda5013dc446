#include "webhooks/memory_outbox.hpp"

#include <algorithm>

namespace vs::webhooks {

status memory_outbox::add(const delivery_record& delivery) {
  std::lock_guard<std::mutex> guard(mutex_);
  if (deliveries_.count(delivery.id) > 0)
    return {};
  entry added;
  added.record = delivery;
  added.due_ms = delivery.next_attempt_ms;
  added.order = ++added_;
  deliveries_.emplace(delivery.id, std::move(added));
  latest_[delivery.job_id] = delivery.id;
  forget_oldest_finished();
  return {};
}

expected<claim_result> memory_outbox::claim(int64_t now_ms, int64_t lease_end_ms, const std::string&) {
  std::lock_guard<std::mutex> guard(mutex_);
  claim_result result;
  entry* earliest = nullptr;
  for (auto& [id, candidate] : deliveries_)
    if (candidate.record.state == "pending" && (earliest == nullptr || candidate.due_ms < earliest->due_ms))
      earliest = &candidate;
  if (earliest == nullptr)
    return result;
  if (earliest->due_ms > now_ms) {
    result.next_due_ms = earliest->due_ms;
    return result;
  }
  earliest->token = std::to_string(++tokens_);
  earliest->due_ms = lease_end_ms;
  result.claimed = claimed_delivery{earliest->record, earliest->token};
  return result;
}

expected<bool> memory_outbox::settle(const claimed_delivery& claim, const delivery_record& updated) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto found = deliveries_.find(claim.record.id);
  if (found == deliveries_.end() || found->second.token != claim.token)
    return false;
  entry& stored = found->second;
  stored.record.state = updated.state;
  stored.record.attempts = updated.attempts;
  stored.record.attempt_count = updated.attempt_count;
  stored.record.next_attempt_ms = updated.next_attempt_ms;
  stored.due_ms = updated.next_attempt_ms;
  stored.token.clear();
  forget_oldest_finished();
  return true;
}

expected<std::optional<delivery_record>> memory_outbox::latest_for_job(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto latest = latest_.find(job_id);
  if (latest == latest_.end())
    return std::optional<delivery_record>{};
  auto found = deliveries_.find(latest->second);
  if (found == deliveries_.end())
    return std::optional<delivery_record>{};
  delivery_record shown = found->second.record;
  shown.body.clear();
  return std::optional<delivery_record>{std::move(shown)};
}

void memory_outbox::forget_oldest_finished() {
  while (deliveries_.size() > max_deliveries_) {
    auto oldest = deliveries_.end();
    for (auto it = deliveries_.begin(); it != deliveries_.end(); ++it)
      if (it->second.record.state != "pending" && (oldest == deliveries_.end() || it->second.order < oldest->second.order))
        oldest = it;
    if (oldest == deliveries_.end())
      return;  // every one is pending: none may be dropped
    auto latest = latest_.find(oldest->second.record.job_id);
    if (latest != latest_.end() && latest->second == oldest->first)
      latest_.erase(latest);
    deliveries_.erase(oldest);
  }
}

} // namespace vs::webhooks
