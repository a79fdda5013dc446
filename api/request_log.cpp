#include "api/request_log.hpp"

#include "api/json_log.hpp"

#include <spdlog/spdlog.h>

#include <cmath>
#include <cstdio>

namespace vs::api {

namespace {

/// The path as a client sent it may hold any byte: control characters are
/// written as \xNN, so no path can end a log line and forge another, and a
/// long one is cut.
std::string printable_path(const std::string& path) {
  constexpr size_t longest = 512;
  std::string shown;
  for (size_t i = 0; i < path.size() && i < longest; ++i) {
    auto byte = static_cast<unsigned char>(path[i]);
    if (byte < 0x20 || byte == 0x7f) {
      char escaped[5];
      std::snprintf(escaped, sizeof escaped, "\\x%02x", byte);
      shown += escaped;
    } else {
      shown += path[i];
    }
  }
  if (path.size() > longest)
    shown += "...";
  return shown;
}

} // namespace

void log_request(const httplib::Request& req, const httplib::Response& res, std::chrono::steady_clock::duration took) {
  double ms = std::chrono::duration<double, std::milli>(took).count();
  std::string path = printable_path(req.path);
  nlohmann::json fields = {{"method", req.method}, {"path", path}, {"status", res.status},
                           {"ms", std::round(ms * 10) / 10}};
  log_fields_scope scope(fields);
  spdlog::info("{} {} {} {:.1f} ms", req.method, path, res.status, ms);
}

} // namespace vs::api
