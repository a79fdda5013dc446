#pragma once
/// Taking a job from a POST body (POST /jobs and POST /generateVideo).
/// Internal to api/.

#include "api/http_routes.hpp"

#include <httplib.h>

#include <string>

namespace vs::api {

/// Parses and checks the job in the body of `req` (JSON object, known fields
/// well typed, input files inside the media roots and present, parameters
/// within bounds) and queues it. Returns the job id.
expected<std::string> submit_job(const httplib::Request& req, const route_context& context);

/// POST /jobs with the job in the body of `req`: 202 and the job's id.
void post_job(const httplib::Request& req, httplib::Response& res, const route_context& context);

} // namespace vs::api
