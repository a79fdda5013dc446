#pragma once
/// Route handlers of the HTTP API, registered on a cpp-httplib server.
/// Internal to api/: only http_server.cpp includes it.

#include "api/http_server.hpp"
#include "api/media_roots.hpp"

namespace httplib {
class Server;
}

namespace vs::api {

/// Installs every route on `server`.
void install_routes(httplib::Server& server, job_service& jobs, const http_config& config,
                    const media_roots& roots);

} // namespace vs::api
