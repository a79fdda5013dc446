#pragma once
/// The routes of the HTTP server as a list. Every route is added through a
/// route_registry, which installs it on the httplib server and keeps its
/// method, its httplib pattern and its OpenAPI path template, so that a test
/// can hold the routes the server really has against /openapi.json
/// (tests/api/openapi_routes_test.cpp). Internal to api/.
///
/// Converting a plain httplib registration is one line per route, inside an
/// install function that takes `route_registry& routes` instead of the server:
///
///   server.Get("/workers", handler);
///     -> routes.add("GET", "/workers", handler);
///   server.Post(R"(/dead-letters/([A-Za-z0-9_-]{1,64})/requeue)", handler);
///     -> routes.add("POST", "/dead-letters/{id}/requeue", R"(/dead-letters/([A-Za-z0-9_-]{1,64})/requeue)", handler);
///
/// A path without parameters is its own pattern (with '.' and the other
/// regex characters escaped). A path with `{name}` parameters comes with the
/// pattern, one capture group per parameter in the same order (the handler
/// reads them as req.matches[1], ...). Then add the route's path item to
/// api/openapi.json: the tests fail until the two agree.

#include <httplib.h>

#include <string>
#include <vector>

namespace vs::api {

/// One route as the server matches it.
struct route {
  std::string method;   ///< "GET", "POST", "PUT", "PATCH", "DELETE" or "OPTIONS"
  std::string path;     ///< the OpenAPI path template, "/jobs/{id}"; "*": every path
  std::string pattern;  ///< the regex httplib matches the whole request path against
};

class route_registry {
public:
  explicit route_registry(httplib::Server& server) : server_(server) {}
  route_registry(const route_registry&) = delete;
  route_registry& operator=(const route_registry&) = delete;

  /// A route whose path has no parameters. Throws std::invalid_argument for
  /// an unknown method, a path with `{`, or a method and path added twice.
  void add(const std::string& method, const std::string& path, httplib::Server::Handler handler);

  /// A route with path parameters: `pattern` must have one capture group per
  /// `{name}` of `path` (std::invalid_argument otherwise). `path` "*" with
  /// pattern ".*" is a route on every path (the CORS preflight).
  void add(const std::string& method, const std::string& path, const std::string& pattern,
           httplib::Server::Handler handler);

  /// The same for a handler that reads the body itself (httplib's
  /// ContentReader: POST, PUT, PATCH and DELETE only).
  void add(const std::string& method, const std::string& path, httplib::Server::HandlerWithContentReader handler);
  void add(const std::string& method, const std::string& path, const std::string& pattern,
           httplib::Server::HandlerWithContentReader handler);

  /// Every route added, in the order added (httplib's matching order).
  const std::vector<route>& routes() const { return routes_; }

private:
  /// Checks the route and records it; returns its pattern.
  const std::string& remember(const std::string& method, const std::string& path, const std::string& pattern);

  httplib::Server& server_;
  std::vector<route> routes_;
};

/// `text` with every regex special character escaped.
std::string regex_literal(const std::string& text);

/// The `{name}` parameters of an OpenAPI path template, in order.
std::vector<std::string> path_parameters(const std::string& path);

} // namespace vs::api
