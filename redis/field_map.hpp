#pragma once
/// A Redis hash as read (`HGETALL task:{id}`): field name → value, all text.

#include <map>
#include <string>

namespace vs::redis {

using field_map = std::map<std::string, std::string>;

/// The value of `name`, or "" when the hash has no such field (PROTOCOL.md:
/// absent and empty mean the same).
inline std::string field_of(const field_map& fields, const std::string& name) {
  auto found = fields.find(name);
  return found == fields.end() ? std::string() : found->second;
}

} // namespace vs::redis
