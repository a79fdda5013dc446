#pragma once
/// One log line per answered request: "GET /jobs/abc 200 1.3 ms"; with the
/// JSON log format also as fields method, path, status and ms.
/// Internal to api/: only http_server.cpp includes it.

#include <httplib.h>

#include <chrono>

namespace vs::api {

void log_request(const httplib::Request& req, const httplib::Response& res, std::chrono::steady_clock::duration took);

} // namespace vs::api
