#include "api/http_framing.hpp"

#include "api/decimal_text.hpp"

#include <strings.h>

namespace vs::api {

namespace {

request_framing refuse(int status, errc code, std::string message) {
  request_framing framing;
  framing.refusal = framing_refusal{status, make_error(code, std::move(message))};
  return framing;
}

bool reads_body(const std::string& method) {
  // The methods httplib 0.11 reads a body for (detail::expect_content).
  return method == "POST" || method == "PUT" || method == "PATCH" || method == "DELETE" || method == "PRI";
}

} // namespace

request_framing check_framing(const httplib::Request& request, uint64_t max_body) {
  return check_framing(request, body_limit{max_body, body_too_large_message(max_body)});
}

request_framing check_framing(const httplib::Request& request, const body_limit& limit) {
  size_t lengths = request.get_header_value_count("Content-Length");
  size_t encodings = request.get_header_value_count("Transfer-Encoding");
  if (lengths > 1)
    return refuse(400, errc::malformed_request,
                  "the request has " + std::to_string(lengths) + " Content-Length headers; one is allowed");
  if (encodings > 1 || (encodings == 1 && lengths == 1))
    return refuse(400, errc::malformed_request,
                  encodings > 1 ? "the request has " + std::to_string(encodings) +
                                      " Transfer-Encoding headers; one is allowed"
                                : "the request has both Content-Length and Transfer-Encoding");
  request_framing framing;
  framing.limit = limit;
  if (encodings == 1) {
    const std::string coding = request.get_header_value("Transfer-Encoding");
    if (strcasecmp(coding.c_str(), "chunked") != 0)
      return refuse(501, errc::malformed_request,
                    "Transfer-Encoding \"" + coding + "\" is not supported; only chunked is");
    framing.kind = body_framing::chunked;
  } else if (lengths == 1) {
    const std::string text = request.get_header_value("Content-Length");
    auto length = parse_decimal_saturating(text);
    if (!length)
      return refuse(400, errc::malformed_request, "Content-Length must be a decimal number (got \"" + text + "\")");
    if (*length > 0) {
      framing.kind = body_framing::length;
      framing.length = *length;
    }
  }
  if (framing.kind != body_framing::none && !reads_body(request.method))
    return refuse(400, errc::malformed_request, request.method + " requests cannot have a body");
  if (framing.kind == body_framing::length && framing.length > limit.max_bytes)
    return refuse(413, errc::input_too_large, limit.too_large);
  return framing;
}

std::string body_too_large_message(uint64_t max_body) {
  return "the request body is larger than the limit of " + std::to_string(max_body) + " bytes";
}

} // namespace vs::api
