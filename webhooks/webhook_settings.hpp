#pragma once
/// How webhooks are sent (the WEBHOOK_* settings of `serve`, docs/webhooks.md).

#include "webhooks/address_policy.hpp"
#include "webhooks/retry_schedule.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace vs::webhooks {

struct webhook_settings {
  std::string default_url;                    ///< WEBHOOK_URL: for jobs that give no callback_url; empty: none
  std::string secret;                         ///< WEBHOOK_SECRET: HMAC key; empty: unsigned
  std::vector<allowed_host> allowed_hosts;    ///< WEBHOOK_ALLOWED_HOSTS: may be private or loopback
  std::chrono::milliseconds retry_window{3'600'000};  ///< WEBHOOK_RETRY_SECONDS: no retry is scheduled later than this after the job ended
  std::chrono::milliseconds attempt_timeout{10'000};  ///< WEBHOOK_TIMEOUT_SECONDS: one attempt, answer included
  retry_schedule schedule;                    ///< WEBHOOK_BACKOFF_SECONDS is its first_retry
  int concurrency = 4;                        ///< WEBHOOK_CONCURRENCY: attempts in flight at once
  std::string ca_file;                        ///< WEBHOOK_CA_FILE: trusted CAs (PEM) for https; empty: the system's
  std::string worker_id = "standalone";       ///< who claims deliveries (Redis)
  /// How often an idle delivery thread looks for due deliveries (other
  /// workers' and its own retries are also due on time without it).
  std::chrono::milliseconds poll_interval{1'000};
  std::chrono::seconds keep_finished{7 * 24 * 3600};  ///< finished deliveries stay visible this long (Redis)
};

/// How long a claim holds before another worker may make the attempt: well
/// past the longest an attempt can take (name lookup, connect, send, answer).
inline std::chrono::milliseconds claim_lease(const webhook_settings& settings) {
  return 4 * settings.attempt_timeout + std::chrono::seconds(10);
}

} // namespace vs::webhooks
