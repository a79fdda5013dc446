#pragma once
/// Numbers read from JSON the service wrote itself (a chunk plan in Redis, a
/// job record in SQLite) but that may come back malformed. nlohmann's get<int>()
/// on 1e300 or get<uint64_t>() on -1 converts out of range, which is undefined
/// behaviour; these readers throw instead, like json.at() does for a missing
/// key, so a reader's one catch turns either into an error naming the input.

#include <nlohmann/json.hpp>

#include <limits>
#include <stdexcept>
#include <string>
#include <type_traits>

namespace vs::media {

/// `value` as an integer of type T: a JSON integer within T's range.
template <typename T>
T json_integer(const nlohmann::json& value) {
  static_assert(std::is_integral_v<T>);
  if (value.is_number_integer()) {
    // Parsed non-negative integers are stored unsigned; built ones may be signed.
    const bool negative = !value.is_number_unsigned() && value.get<int64_t>() < 0;
    if (!negative) {
      const auto number = value.get<uint64_t>();
      if (number <= static_cast<uint64_t>(std::numeric_limits<T>::max()))
        return static_cast<T>(number);
    } else if constexpr (std::is_signed_v<T>) {
      const auto number = value.get<int64_t>();
      if (number >= static_cast<int64_t>(std::numeric_limits<T>::min()))
        return static_cast<T>(number);
    }
  }
  throw std::out_of_range("expected an integer that fits, got " + value.dump());
}

} // namespace vs::media
