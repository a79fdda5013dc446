#include "redis/redis_endpoint.hpp"

#include <cerrno>
#include <cstdlib>

namespace vs::redis {

namespace {

error bad_url(const std::string& url, const std::string& why) {
  return make_error(errc::invalid_argument, "REDIS_URL '" + url + "': " + why, "REDIS_URL");
}

expected<int> parse_int(const std::string& text, int low, int high) {
  errno = 0;
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || *end != '\0' || value < low || value > high)
    return make_error(errc::invalid_argument, text);
  return static_cast<int>(value);
}

} // namespace

expected<redis_endpoint> parse_redis_url(const std::string& url) {
  const std::string scheme = "redis://";
  if (url.compare(0, scheme.size(), scheme) != 0)
    return bad_url(url, "must start with redis://");
  redis_endpoint endpoint;
  std::string rest = url.substr(scheme.size());
  if (auto slash = rest.find('/'); slash != std::string::npos) {
    std::string db = rest.substr(slash + 1);
    rest.resize(slash);
    if (!db.empty()) {
      auto number = parse_int(db, 0, 1 << 20);
      if (!number)
        return bad_url(url, "database '" + db + "' is not a number");
      endpoint.database = *number;
    }
  }
  if (auto at = rest.rfind('@'); at != std::string::npos) {
    std::string credentials = rest.substr(0, at);
    rest = rest.substr(at + 1);
    // redis://:password@host or redis://user:password@host (the user is ignored: AUTH with one argument).
    auto colon = credentials.find(':');
    endpoint.password = colon == std::string::npos ? credentials : credentials.substr(colon + 1);
  }
  if (auto colon = rest.rfind(':'); colon != std::string::npos) {
    auto port = parse_int(rest.substr(colon + 1), 1, 65535);
    if (!port)
      return bad_url(url, "port '" + rest.substr(colon + 1) + "' is not 1..65535");
    endpoint.port = *port;
    rest.resize(colon);
  }
  if (rest.empty())
    return bad_url(url, "no host");
  endpoint.host = rest;
  return endpoint;
}

} // namespace vs::redis
