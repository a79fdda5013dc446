#include "api/http_errors.hpp"

#include "jobs/json_text.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

int http_status_for(errc code) {
  switch (code) {
    case errc::none: return 200;
    case errc::malformed_request: return 400;
    case errc::forbidden_path: return 403;
    case errc::input_missing:
    case errc::not_found: return 404;
    case errc::conflict:
    case errc::cancelled: return 409;
    case errc::input_too_large: return 413;
    case errc::invalid_argument:
    case errc::input_invalid: return 422;
    case errc::dependency_failed: return 424;
    case errc::busy: return 429;
    case errc::unavailable: return 503;
    case errc::dependency_timeout: return 504;
    case errc::io_error:
    case errc::codec_error:
    case errc::internal: return 500;
  }
  return 500;
}

nlohmann::json error_object(const error& failure) {
  nlohmann::json object = {{"code", to_string(failure.code)}, {"message", failure.message}};
  if (!failure.field.empty())
    object["field"] = failure.field;
  return object;
}

std::string error_body(const error& failure) { return jobs::json_text(nlohmann::json{{"error", error_object(failure)}}); }

} // namespace vs::api
