#pragma once
/// The dashboard: GET / (its page) and GET /dashboard/{file} (its CSS and
/// JavaScript), built into the binary from api/dashboard/, plus the JSON
/// routes it reads (api/http_admin). Every file goes out with a
/// Content-Security-Policy that allows scripts from this origin's files only
/// (no inline script, no eval), so text from a job can never run as code,
/// and with an ETag: a reload revalidates and costs a 304. Internal to api/.

#include "api/http_routes.hpp"

namespace vs::api {

void install_dashboard_routes(route_registry& routes, const route_context& context);

} // namespace vs::api
