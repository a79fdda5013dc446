#include "webhooks/retry_schedule.hpp"

#include <algorithm>

namespace vs::webhooks {

std::chrono::milliseconds retry_schedule::nominal_wait(int64_t attempts) const {
  const int64_t cap = std::max(max_wait.count(), first_retry.count());
  int64_t wait = std::max<int64_t>(first_retry.count(), 1);
  for (int64_t i = 1; i < attempts && wait < cap; ++i)
    wait *= 2;
  return std::chrono::milliseconds(std::min(wait, cap));
}

std::chrono::milliseconds retry_schedule::wait_after(int64_t attempts, std::mt19937_64& random) const {
  const int64_t nominal = nominal_wait(attempts).count();
  std::uniform_int_distribution<int64_t> jitter(nominal / 2, nominal);
  return std::chrono::milliseconds(jitter(random));
}

} // namespace vs::webhooks
