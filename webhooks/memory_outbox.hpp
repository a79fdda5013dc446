#pragma once
/// An outbox in this process's memory, gone with it: for tests and for
/// embedding without a file (serve uses sqlite_outbox or redis_outbox).
/// Thread-safe. Keeps at most `max_deliveries`; beyond that the oldest
/// finished ones are forgotten.

#include "webhooks/webhook_outbox.hpp"

#include <map>
#include <mutex>
#include <string>

namespace vs::webhooks {

class memory_outbox final : public webhook_outbox {
public:
  explicit memory_outbox(size_t max_deliveries = 10000) : max_deliveries_(max_deliveries) {}

  status add(const delivery_record& delivery) override;
  expected<claim_result> claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) override;
  expected<bool> settle(const claimed_delivery& claim, const delivery_record& updated) override;
  expected<std::optional<delivery_record>> latest_for_job(const std::string& job_id) override;

private:
  struct entry {
    delivery_record record;
    int64_t due_ms = 0;       ///< next attempt, or the end of the current claim's lease
    std::string token;        ///< the current claim; empty: unclaimed
    uint64_t order = 0;       ///< when it was added
  };
  void forget_oldest_finished();

  std::mutex mutex_;
  size_t max_deliveries_;
  uint64_t added_ = 0;
  uint64_t tokens_ = 0;
  std::map<std::string, entry> deliveries_;         ///< by delivery id
  std::map<std::string, std::string> latest_;       ///< job id → its latest delivery id
};

} // namespace vs::webhooks
