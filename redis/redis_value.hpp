#pragma once
/// One Redis reply as a plain value, copied out of hiredis so no redisReply
/// outlives the call that produced it.

#include <cstdint>
#include <string>
#include <vector>

namespace vs::redis {

struct redis_value {
  enum class kind { nil, integer, text, array, status };
  kind type = kind::nil;
  int64_t integer = 0;
  std::string text;                 ///< bulk string or status text
  std::vector<redis_value> elements;

  bool is_nil() const { return type == kind::nil; }
  /// Text of a bulk string, "" for nil; an integer as decimal text.
  std::string as_text() const { return type == kind::integer ? std::to_string(integer) : text; }
};

} // namespace vs::redis
