#pragma once
/// The outbox of a Redis worker: pending deliveries live in Redis
/// (redis/webhook_scripts.hpp), so any worker delivers what is due, and a
/// worker that dies mid-attempt leaves its claim to run out, after which
/// another one makes the attempt. Thread-safe (one connection, one call at
/// a time: each is a single short script).

#include "redis/redis_client.hpp"
#include "webhooks/webhook_outbox.hpp"

#include <chrono>
#include <mutex>

namespace vs::webhooks {

class redis_outbox final : public webhook_outbox {
public:
  /// Finished deliveries (and the job's pointer to them) expire after
  /// `keep_finished`; pending ones after the retry window plus that.
  redis_outbox(const redis::redis_endpoint& endpoint, std::chrono::seconds keep_finished,
               std::chrono::milliseconds retry_window);

  status add(const delivery_record& delivery) override;
  expected<claim_result> claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) override;
  expected<bool> settle(const claimed_delivery& claim, const delivery_record& updated) override;
  expected<std::optional<delivery_record>> latest_for_job(const std::string& job_id) override;

private:
  std::mutex mutex_;
  redis::redis_client client_;
  std::chrono::seconds keep_finished_;
  std::chrono::seconds keep_pending_;
};

} // namespace vs::webhooks
