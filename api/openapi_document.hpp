#pragma once
/// The OpenAPI 3.1 document served at GET /openapi.json (docs/openapi.md).
///
/// api/openapi.json, compiled in, is the hand-written part: each path with
/// its parameters, bodies and answers, the snapshot and error schemas. The
/// code completes it with what it knows itself, so that the two cannot
/// drift apart:
/// - the job body's schemas, generated from the job field tables
///   (jobs/job_request.hpp, job_request_schemas);
/// - the error codes (errc) of the error schema;
/// - the answers every route can give whatever it does (bad framing, a slow
///   or too large request, a full server, an internal error) on every
///   operation that does not describe them itself;
/// - the CORS preflight (`x-every-path`) on every path, the CORS headers on
///   every answer and Retry-After on every 429 and 503;
/// - the service's version.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace vs::api {

/// Throws std::logic_error (or a JSON error) if the parts do not fit
/// together: a table row without its schema, a schema defined twice.
nlohmann::json openapi_document(const std::string& version);

} // namespace vs::api
