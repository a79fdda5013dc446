// Exponential back-off with equal jitter.

#include "webhooks/retry_schedule.hpp"

#include <catch2/catch.hpp>

using namespace vs::webhooks;
using std::chrono::milliseconds;

TEST_CASE("the nominal wait doubles up to its cap", "[webhooks][retry]") {
  retry_schedule schedule{milliseconds(10'000), milliseconds(600'000)};
  CHECK(schedule.nominal_wait(1) == milliseconds(10'000));
  CHECK(schedule.nominal_wait(2) == milliseconds(20'000));
  CHECK(schedule.nominal_wait(3) == milliseconds(40'000));
  CHECK(schedule.nominal_wait(6) == milliseconds(320'000));
  CHECK(schedule.nominal_wait(7) == milliseconds(600'000));
  CHECK(schedule.nominal_wait(1000) == milliseconds(600'000));
  // A first wait above the cap is the wait.
  retry_schedule long_first{milliseconds(900'000), milliseconds(600'000)};
  CHECK(long_first.nominal_wait(3) == milliseconds(900'000));
}

TEST_CASE("waits with jitter lie in [nominal/2, nominal] and never shrink", "[webhooks][retry]") {
  retry_schedule schedule{milliseconds(200), milliseconds(60'000)};
  std::mt19937_64 random(42);
  int64_t longest_before = 0;
  for (int64_t attempt = 1; attempt <= 8; ++attempt) {
    int64_t nominal = schedule.nominal_wait(attempt).count();
    int64_t shortest = nominal;
    int64_t longest = 0;
    for (int i = 0; i < 200; ++i) {
      int64_t wait = schedule.wait_after(attempt, random).count();
      CHECK(wait >= nominal / 2);
      CHECK(wait <= nominal);
      shortest = std::min(shortest, wait);
      longest = std::max(longest, wait);
    }
    CHECK(shortest >= longest_before);
    // Spread out, not one value.
    CHECK(longest - shortest > nominal / 4);
    longest_before = longest;
  }
}
