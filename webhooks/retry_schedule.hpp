#pragma once
/// When a failed delivery is tried again: exponential back-off with
/// "equal jitter". After attempt n (1, 2, ...) the nominal wait is
/// first_retry × 2^(n-1), at most max_wait; the real wait is drawn from
/// [nominal/2, nominal], so deliveries that failed together (a receiver
/// that was down) do not all come back in the same instant, while each wait
/// is still at least as long as the longest the one before could have been.

#include <chrono>
#include <cstdint>
#include <random>

namespace vs::webhooks {

struct retry_schedule {
  std::chrono::milliseconds first_retry{10'000};
  std::chrono::milliseconds max_wait{600'000};

  /// The nominal wait after `attempts` attempts (>= 1).
  std::chrono::milliseconds nominal_wait(int64_t attempts) const;

  /// The wait with jitter: uniform in [nominal/2, nominal].
  std::chrono::milliseconds wait_after(int64_t attempts, std::mt19937_64& random) const;
};

} // namespace vs::webhooks
