#include "api/http_cors.hpp"

#include "api/http_reply.hpp"

#include <algorithm>

namespace vs::api {

namespace {

constexpr const char* methods = "GET, POST, DELETE, OPTIONS";
// Simple headers need no listing; a JSON body's Content-Type and a
// player's Range do.
constexpr const char* request_headers = "Content-Type, Range";
// What a page may read beyond the CORS-safelisted headers.
constexpr const char* exposed_headers = "Content-Range, Accept-Ranges, Content-Length, Location, Retry-After";

bool any_origin(const std::vector<std::string>& origins) {
  return std::find(origins.begin(), origins.end(), "*") != origins.end();
}

/// The Access-Control-Allow-Origin value for `origin`, or empty.
std::string granted(const std::string& origin, const std::vector<std::string>& origins) {
  if (origin.empty())
    return {};
  if (any_origin(origins))
    return "*";
  return std::find(origins.begin(), origins.end(), origin) != origins.end() ? origin : std::string();
}

} // namespace

void add_cors_headers(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& origins) {
  if (origins.empty())
    return;
  // With a list the answer differs by origin: caches must keep them apart.
  if (!any_origin(origins) && !res.has_header("Vary"))
    res.set_header("Vary", "Origin");
  std::string allowed = granted(req.get_header_value("Origin"), origins);
  if (allowed.empty())
    return;
  res.set_header("Access-Control-Allow-Origin", allowed);
  if (req.method != "OPTIONS")
    res.set_header("Access-Control-Expose-Headers", exposed_headers);
}

void answer_options(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& origins) {
  if (!req.has_header("Origin") || !req.has_header("Access-Control-Request-Method")) {
    res.status = 204;
    res.set_header("Allow", methods);
    return;
  }
  const std::string origin = req.get_header_value("Origin");
  if (origins.empty())
    return send_error(res, make_error(errc::invalid_argument, "cross-origin requests are off: CORS_ORIGINS is not set",
                                      "Origin"),
                      403);
  if (granted(origin, origins).empty())
    return send_error(res, make_error(errc::invalid_argument, "origin " + origin + " is not in CORS_ORIGINS", "Origin"),
                      403);
  res.status = 204;
  res.set_header("Access-Control-Allow-Methods", methods);
  res.set_header("Access-Control-Allow-Headers", request_headers);
  // Browsers cap this (Chromium at 2 hours); ten minutes spares a preflight
  // before every poll.
  res.set_header("Access-Control-Max-Age", "600");
}

} // namespace vs::api
