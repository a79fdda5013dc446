#include "redis/local_time.hpp"

#include <cstdio>
#include <ctime>
#include <sys/time.h>

namespace vs::redis {

namespace {

std::string format(time_t seconds, long micros) {
  std::tm local{};
  localtime_r(&seconds, &local);
  char text[40];
  size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &local);
  std::snprintf(text + length, sizeof text - length, ".%06ld", micros);
  return text;
}

} // namespace

std::string local_timestamp() {
  timeval now{};
  gettimeofday(&now, nullptr);
  return format(now.tv_sec, static_cast<long>(now.tv_usec));
}

std::string local_timestamp(int64_t epoch_ms) {
  return format(static_cast<time_t>(epoch_ms / 1000), static_cast<long>((epoch_ms % 1000) * 1000));
}

std::optional<int64_t> parse_local_timestamp(const std::string& text) {
  std::tm local{};
  const char* rest = strptime(text.c_str(), "%Y-%m-%dT%H:%M:%S", &local);
  if (rest == nullptr)
    return std::nullopt;
  local.tm_isdst = -1;
  time_t seconds = mktime(&local);
  if (seconds == static_cast<time_t>(-1))
    return std::nullopt;
  int64_t millis = 0;
  if (*rest == '.') {
    int digits = 0;
    for (++rest; *rest >= '0' && *rest <= '9'; ++rest, ++digits)
      if (digits < 3)
        millis = millis * 10 + (*rest - '0');
    for (; digits < 3; ++digits)
      millis *= 10;
  }
  return static_cast<int64_t>(seconds) * 1000 + millis;
}

} // namespace vs::redis
