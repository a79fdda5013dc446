#pragma once
/// Route handlers of the HTTP API, registered on a cpp-httplib server.
/// Internal to api/: only http_server.cpp includes it.

#include "api/http_server.hpp"
#include "api/media_roots.hpp"
#include "api/route_registry.hpp"
#include "api/upload_store.hpp"

#include <atomic>

namespace vs::api {

/// What the routes share; everything outlives the server.
struct route_context {
  jobs::job_service& jobs;
  const http_config& config;
  const media_roots& roots;
  const std::atomic<bool>& stopping;  ///< the server is stopping: waits end early
  std::atomic<int>& sync_waits;       ///< POST /generateVideo calls waiting now
  upload_store& uploads;              ///< OUTPUT_DIR/uploads (api/upload_store)
};

/// Installs every route through `routes` (api/route_registry.hpp: each one
/// is also a path of /openapi.json).
void install_routes(route_registry& routes, route_context context);

} // namespace vs::api
