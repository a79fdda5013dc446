#pragma once
/// GET /jobs's query string: `limit` (1..1000, default 50) and `state`
/// (queued, processing, success, failed or cancelled; default any).

#include "jobs/job_service.hpp"
#include "media/error.hpp"

namespace httplib {
struct Request;
}

namespace vs::api {

/// errc::invalid_argument naming the parameter when one is malformed.
expected<jobs::job_query> job_query_of(const httplib::Request& req);

} // namespace vs::api
