#pragma once
/// The handlers around the routes: refusing badly framed requests before
/// their body is read, turning every error httplib produces itself into the
/// API's JSON error shape, catching any exception, and the headers every
/// answer needs (Retry-After on 429/503, Connection: close when the
/// connection ends). Internal to api/: only http_server.cpp includes it.

#include "api/http_connection.hpp"
#include "api/http_server.hpp"

#include <httplib.h>

namespace vs::api {

void install_guards(httplib::Server& server, const http_config& config, body_memory& bodies);

} // namespace vs::api
