#pragma once
/// Timestamps as the other services write them into task hashes: ISO 8601
/// local time without a zone, with microseconds (`2025-06-26T22:36:42.354215`).

#include <cstdint>
#include <optional>
#include <string>

namespace vs::redis {

std::string local_timestamp();
std::string local_timestamp(int64_t epoch_ms);
/// Back to Unix epoch milliseconds (the fraction may have any length or be absent).
std::optional<int64_t> parse_local_timestamp(const std::string& text);

} // namespace vs::redis
