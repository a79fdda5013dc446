#pragma once
/// Reading 1*DIGIT from HTTP header fields (Content-Length, Range
/// positions), where the grammar allows any number of digits.

#include <cstdint>
#include <limits>
#include <optional>
#include <string_view>

namespace vs::api {

/// The value of `text` if it is one or more ASCII digits (no sign, no
/// spaces); values past 2^64-1 saturate there, as they are past any length
/// or position this server deals in.
inline std::optional<uint64_t> parse_decimal_saturating(std::string_view text) {
  if (text.empty())
    return std::nullopt;
  constexpr uint64_t most = std::numeric_limits<uint64_t>::max();
  uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9')
      return std::nullopt;
    uint64_t digit = static_cast<uint64_t>(c - '0');
    value = value > (most - digit) / 10 ? most : value * 10 + digit;
  }
  return value;
}

} // namespace vs::api
