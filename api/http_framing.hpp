#pragma once
/// How a request's body is delimited (RFC 9112 §6), decided from its headers
/// before a byte of the body is read, and the requests refused outright
/// because their framing is ambiguous (the stuff of request smuggling),
/// unsupported or too large. Every refusal closes the connection: the unread
/// body must not be taken for the next request.

#include "media/error.hpp"

#include <httplib.h>

#include <cstdint>
#include <optional>
#include <string>

namespace vs::api {

enum class body_framing { none, length, chunked };

/// How large a request's body may be. Most routes take a small JSON body
/// held in memory; uploads (api/http_uploads) stream theirs to disk and
/// have a limit of their own.
struct body_limit {
  uint64_t max_bytes = 1 << 20;
  std::string too_large;  ///< the 413 message
  /// The route writes the body to disk as it arrives: only a bounded part
  /// of it is held in memory, and it may take longer than the request
  /// deadline (connection_limits::streamed_bytes_per_second).
  bool streamed = false;
};

struct framing_refusal {
  int status = 400;
  error failure;
};

struct request_framing {
  body_framing kind = body_framing::none;
  uint64_t length = 0;                     ///< kind length: the declared Content-Length
  body_limit limit;                        ///< what the body was checked against
  std::optional<framing_refusal> refusal;  ///< set: answer this and close
};

/// Refused, in this order:
/// - two or more Content-Length fields, equal or not (400: RFC 9110 §8.6
///   lets a recipient reject them; equal ones are refused too, so no two
///   parsers can disagree about which one counts);
/// - a Content-Length that is not 1*DIGIT, e.g. "5, 5", "-1", "0x10" (400:
///   RFC 9112 §6.3 item 5, "MUST respond with a 400 ... and then close");
/// - more than one Transfer-Encoding field, or one besides Content-Length
///   (400: RFC 9112 §6.1 allows rejecting and requires closing);
/// - a Transfer-Encoding other than chunked (501: RFC 9112 §6.1);
/// - a body on a method httplib never reads one for (GET, HEAD, OPTIONS,
///   TRACE, CONNECT): 400, as those bytes would otherwise be parsed as the
///   next request;
/// - a Content-Length above `limit.max_bytes` (413).
request_framing check_framing(const httplib::Request& request, const body_limit& limit);
/// The same with the limit of a JSON body of `max_body` bytes.
request_framing check_framing(const httplib::Request& request, uint64_t max_body);

/// The one message for a body over the limit, however it was framed.
std::string body_too_large_message(uint64_t max_body);

} // namespace vs::api
