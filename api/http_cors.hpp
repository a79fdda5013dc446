#pragma once
/// Cross-origin access (CORS) for web pages on other origins: which origins
/// may call the API (http_config::cors_origins, from CORS_ORIGINS), the
/// preflight answer, and the headers every answer to such a page carries,
/// Content-Range among them so that a player on the page can seek.
/// Internal to api/: only http_guards.cpp and http_routes.cpp include it.

#include <httplib.h>

#include <string>
#include <vector>

namespace vs::api {

/// Adds Access-Control-Allow-Origin and -Expose-Headers when the request's
/// Origin is allowed (any answer, errors included), and Vary: Origin when
/// the answer depends on it.
void add_cors_headers(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& origins);

/// OPTIONS on any path: a preflight from an allowed origin is 204 with the
/// methods and headers it may use; from another origin (or with CORS off)
/// a 403 saying why; an OPTIONS that is no preflight is 204 with Allow.
void answer_options(const httplib::Request& req, httplib::Response& res, const std::vector<std::string>& origins);

} // namespace vs::api
