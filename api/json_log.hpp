#pragma once
/// Log lines as JSON objects (LOG_FORMAT=json), for log shippers: one
/// object per line with time (UTC, ISO 8601), level and message, plus the
/// fields a log_fields_scope holds on the logging thread (a request's
/// method, path, status and ms).

#include <nlohmann/json.hpp>
#include <spdlog/formatter.h>

#include <memory>

namespace vs::api {

/// The formatter for spdlog::set_formatter (or a sink's).
std::unique_ptr<spdlog::formatter> json_log_formatter();

/// Adds `fields` to the lines this thread logs while the scope lives.
/// spdlog's default logger formats on the calling thread, so the fields
/// reach exactly the lines logged inside the scope.
class log_fields_scope {
public:
  explicit log_fields_scope(const nlohmann::json& fields);
  ~log_fields_scope();
  log_fields_scope(const log_fields_scope&) = delete;
  log_fields_scope& operator=(const log_fields_scope&) = delete;

private:
  const nlohmann::json* previous_;
};

} // namespace vs::api
