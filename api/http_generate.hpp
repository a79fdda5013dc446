#pragma once
/// POST /generateVideo (PROTOCOL.md): queue the job and answer when it is
/// done. Each call holds its connection while it waits; at most
/// max_sync_waits of them wait at once (429 beyond), and a stopping server
/// ends the waits within half a second. Internal to api/.

#include "api/http_routes.hpp"

#include <httplib.h>

namespace vs::api {

void generate_video(const httplib::Request& req, httplib::Response& res, const route_context& context);

} // namespace vs::api
