#pragma once
/// GET /openapi.json: the API's OpenAPI 3.1 document (api/openapi_document).
/// Internal to api/.

#include "api/http_routes.hpp"

namespace vs::api {

void install_openapi_routes(route_registry& routes, const route_context& context);

} // namespace vs::api
