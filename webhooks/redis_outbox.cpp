#include "webhooks/redis_outbox.hpp"

#include "redis/script_reply.hpp"
#include "redis/webhook_scripts.hpp"

#include <cstdlib>

namespace vs::webhooks {

namespace {

using redis::element;
using redis::outcome_of;

int64_t number_at(const redis::redis_value& reply, size_t index) {
  return std::atoll(element(reply, index).c_str());
}

error unexpected(const char* script, const redis::redis_value& reply) {
  std::string detail = outcome_of(reply) == "refused" ? element(reply, 1) : "'" + outcome_of(reply) + "'";
  return make_error(errc::internal, std::string("script ") + script + ": unexpected answer " + detail);
}

} // namespace

redis_outbox::redis_outbox(const redis::redis_endpoint& endpoint, std::chrono::seconds keep_finished,
                           std::chrono::milliseconds retry_window)
    : client_(endpoint), keep_finished_(keep_finished),
      keep_pending_(keep_finished + std::chrono::duration_cast<std::chrono::seconds>(retry_window) +
                    std::chrono::hours(1)) {}

status redis_outbox::add(const delivery_record& delivery) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(redis::scripts::webhook_add,
                            {redis::webhook_key(delivery.id), redis::webhook_due_key(), redis::webhook_job_key(delivery.job_id)},
                            {delivery.id, delivery.job_id, delivery.url, delivery.event, delivery.body,
                             std::to_string(delivery.created_ms), std::to_string(delivery.deadline_ms),
                             std::to_string(delivery.next_attempt_ms), std::to_string(keep_pending_.count())});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) != "added" && outcome_of(*reply) != "already")
    return unexpected("webhook_add", *reply);
  return {};
}

expected<claim_result> redis_outbox::claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(redis::scripts::webhook_claim, {redis::webhook_due_key(), redis::webhook_fence_key()},
                            {std::to_string(now_ms), std::to_string(lease_end_ms), worker});
  if (!reply)
    return reply.error();
  claim_result result;
  const std::string outcome = outcome_of(*reply);
  if (outcome == "none") {
    result.next_due_ms = number_at(*reply, 1);
    return result;
  }
  if (outcome != "claimed")
    return unexpected("webhook_claim", *reply);
  claimed_delivery claimed;
  delivery_record& record = claimed.record;
  record.id = element(*reply, 1);
  claimed.token = element(*reply, 2);
  record.job_id = element(*reply, 3);
  record.url = element(*reply, 4);
  record.event = element(*reply, 5);
  record.body = element(*reply, 6);
  record.created_ms = number_at(*reply, 7);
  record.deadline_ms = number_at(*reply, 8);
  record.attempts = attempts_from_json(element(*reply, 9));
  record.attempt_count = number_at(*reply, 10);
  record.next_attempt_ms = number_at(*reply, 11);
  result.claimed = std::move(claimed);
  return result;
}

expected<bool> redis_outbox::settle(const claimed_delivery& claim, const delivery_record& updated) {
  std::lock_guard<std::mutex> guard(mutex_);
  const std::string& id = claim.record.id;
  auto reply = client_.eval(redis::scripts::webhook_settle,
                            {redis::webhook_key(id), redis::webhook_due_key(), redis::webhook_job_key(claim.record.job_id)},
                            {id, claim.token, updated.state, attempts_to_json(updated.attempts),
                             std::to_string(updated.attempt_count), std::to_string(updated.next_attempt_ms),
                             std::to_string(keep_finished_.count())});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) == "lost")
    return false;
  if (outcome_of(*reply) != "done")
    return unexpected("webhook_settle", *reply);
  return true;
}

expected<std::optional<delivery_record>> redis_outbox::latest_for_job(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(redis::scripts::webhook_find, {redis::webhook_job_key(job_id)}, {});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) != "found")
    return std::optional<delivery_record>{};
  delivery_record record;
  record.job_id = job_id;
  record.id = element(*reply, 1);
  record.url = element(*reply, 2);
  record.event = element(*reply, 3);
  record.state = element(*reply, 4);
  record.attempts = attempts_from_json(element(*reply, 5));
  record.attempt_count = number_at(*reply, 6);
  record.next_attempt_ms = number_at(*reply, 7);
  return std::optional<delivery_record>{std::move(record)};
}

} // namespace vs::webhooks
