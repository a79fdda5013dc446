#pragma once
/// Errors as values for the whole service: one code enum, one error type and a
/// small `expected<T>` (std::expected is C++23). media/ stays free of CAF; the
/// actor layer maps `vs::errc` onto caf::error in one place.

#include <cstdint>
#include <string>
#include <utility>
#include <variant>

namespace vs {

/// What went wrong, coarse enough to pick an exit code or an HTTP status.
enum class errc : uint8_t {
  none = 0,
  invalid_argument,   ///< a parameter is out of range or malformed (HTTP 422, exit 2)
  malformed_request,  ///< the request body is not parseable (HTTP 400, exit 2)
  input_missing,      ///< an input file does not exist (HTTP 404, exit 2)
  input_invalid,      ///< an input file is corrupt, empty or of the wrong kind (HTTP 422, exit 2)
  input_too_large,    ///< an input exceeds a configured bound (HTTP 413/422, exit 2)
  forbidden_path,     ///< a path lies outside the configured media roots (HTTP 403, exit 2)
  dependency_failed,  ///< an upstream task failed or its result is missing
  dependency_timeout, ///< an upstream task did not finish in time
  not_found,          ///< an unknown job id (HTTP 404)
  conflict,           ///< the operation does not fit the job's state (HTTP 409)
  cancelled,          ///< the job was cancelled
  io_error,           ///< writing the output failed (disk full, permissions)
  codec_error,        ///< FFmpeg refused to encode or mux
  unavailable,        ///< a backing service (Redis) is unreachable
  busy,               ///< the service is at capacity (queue full): retry later (HTTP 429)
  internal,           ///< a bug
};

/// Stable snake_case name of a code, used in JSON error bodies and logs.
const char* to_string(errc code);

/// True for codes caused by the caller's input rather than by this service.
bool is_bad_input(errc code);

/// An error: a code, a message naming the cause, and optionally the offending field.
struct error {
  errc code = errc::internal;
  std::string message;
  std::string field;
};

inline error make_error(errc code, std::string message, std::string field = {}) {
  return error{code, std::move(message), std::move(field)};
}

/// Either a value or an error.
template <class T>
class expected {
public:
  expected(T value) : content_(std::move(value)) {}
  expected(vs::error err) : content_(std::move(err)) {}

  bool has_value() const { return content_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(content_); }
  const T& value() const& { return std::get<0>(content_); }
  T&& value() && { return std::get<0>(std::move(content_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const vs::error& error() const { return std::get<1>(content_); }

private:
  std::variant<T, vs::error> content_;
};

/// Success or an error, for operations without a result.
template <>
class expected<void> {
public:
  expected() = default;
  expected(vs::error err) : error_(std::move(err)), failed_(true) {}

  bool has_value() const { return !failed_; }
  explicit operator bool() const { return !failed_; }
  const vs::error& error() const { return error_; }

private:
  vs::error error_;
  bool failed_ = false;
};

using status = expected<void>;

} // namespace vs
