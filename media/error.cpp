#include "media/error.hpp"

namespace vs {

const char* to_string(errc code) {
  switch (code) {
    case errc::none: return "none";
    case errc::invalid_argument: return "invalid_argument";
    case errc::malformed_request: return "malformed_request";
    case errc::input_missing: return "input_missing";
    case errc::input_invalid: return "input_invalid";
    case errc::input_too_large: return "input_too_large";
    case errc::forbidden_path: return "forbidden_path";
    case errc::dependency_failed: return "dependency_failed";
    case errc::dependency_timeout: return "dependency_timeout";
    case errc::not_found: return "not_found";
    case errc::conflict: return "conflict";
    case errc::cancelled: return "cancelled";
    case errc::io_error: return "io_error";
    case errc::codec_error: return "codec_error";
    case errc::unavailable: return "unavailable";
    case errc::busy: return "busy";
    case errc::internal: return "internal";
  }
  return "unknown";
}

bool is_bad_input(errc code) {
  switch (code) {
    case errc::invalid_argument:
    case errc::malformed_request:
    case errc::input_missing:
    case errc::input_invalid:
    case errc::input_too_large:
    case errc::forbidden_path:
      return true;
    default:
      return false;
  }
}

} // namespace vs
