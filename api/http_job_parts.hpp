#pragma once
/// A job submitted in one request: POST /jobs and POST /generateVideo take
/// either the job's JSON as the body, or multipart/form-data with the JSON
/// in a part named `job` and files in other parts, which the job's path
/// fields name as "@" + the part's name ("audio_path": "@voice"). The
/// files are identified by content and stored as uploads first (all of
/// them or none: api/upload_receiver), the references replaced by the
/// stored paths, and the job then goes the way a JSON body goes. A job
/// that is refused after that leaves only the uploads behind, which the
/// sweep collects. docs/uploads.md. Internal to api/.

#include "api/http_routes.hpp"

#include <httplib.h>

namespace vs::api {

/// What a route does with a job whose body is JSON.
using job_route = void (*)(const httplib::Request& req, httplib::Response& res, const route_context& context);

/// The handler of a route taking a job, reading its body as JSON or
/// multipart/form-data and handing `route` a request whose body is the
/// job's JSON.
httplib::Server::HandlerWithContentReader job_body_reader(route_context context, job_route route);

} // namespace vs::api
