#pragma once
/// The wrapper every route handler is installed in. Internal to api/.

#include "api/http_reply.hpp"

#include <httplib.h>

#include <exception>
#include <string>

namespace vs::api {

/// Wraps a handler so that no exception ever escapes as a crash or an HTML page.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      send_error(res, make_error(errc::internal, std::string("internal error: ") + e.what()));
    } catch (...) {
      send_error(res, make_error(errc::internal, "internal error"));
    }
  };
}

} // namespace vs::api
