#include "api/route_registry.hpp"

#include <algorithm>
#include <regex>
#include <stdexcept>
#include <type_traits>

namespace vs::api {

namespace {

std::invalid_argument bad_route(const std::string& method, const std::string& path, const std::string& why) {
  return std::invalid_argument("route " + method + " " + path + ": " + why);
}

/// The pattern of a path without parameters.
std::string literal_pattern(const std::string& method, const std::string& path) {
  if (path.find('{') != std::string::npos)
    throw bad_route(method, path, "it has parameters: give its pattern too");
  return regex_literal(path);
}

/// server.Get(pattern, handler) and the like, for a checked method.
template <class Handler>
void install(httplib::Server& server, const std::string& method, const std::string& pattern, Handler handler) {
  if (method == "POST")
    server.Post(pattern, std::move(handler));
  else if (method == "PUT")
    server.Put(pattern, std::move(handler));
  else if (method == "PATCH")
    server.Patch(pattern, std::move(handler));
  else if (method == "DELETE")
    server.Delete(pattern, std::move(handler));
  else if constexpr (std::is_same_v<Handler, httplib::Server::Handler>) {
    if (method == "GET")
      server.Get(pattern, std::move(handler));
    else
      server.Options(pattern, std::move(handler));
  }
}

} // namespace

std::string regex_literal(const std::string& text) {
  static const std::string special = R"(\^$.|?*+()[]{})";
  std::string escaped;
  for (char c : text) {
    if (special.find(c) != std::string::npos)
      escaped += '\\';
    escaped += c;
  }
  return escaped;
}

std::vector<std::string> path_parameters(const std::string& path) {
  std::vector<std::string> names;
  for (size_t open = path.find('{'); open != std::string::npos; open = path.find('{', open + 1)) {
    size_t close = path.find('}', open);
    if (close == std::string::npos)
      throw std::invalid_argument("path \"" + path + "\" has a '{' without '}'");
    names.push_back(path.substr(open + 1, close - open - 1));
  }
  return names;
}

const std::string& route_registry::remember(const std::string& method, const std::string& path,
                                            const std::string& pattern) {
  static const char* const methods[] = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"};
  if (std::find(std::begin(methods), std::end(methods), method) == std::end(methods))
    throw bad_route(method, path, "unknown method");
  if (path != "*" && (path.empty() || path.front() != '/'))
    throw bad_route(method, path, "the path must start with '/' (or be \"*\", every path)");
  // mark_count: the capture groups, which httplib hands over as req.matches.
  const size_t groups = std::regex(pattern).mark_count();
  const size_t parameters = path_parameters(path).size();
  if (groups != parameters)
    throw bad_route(method, path, "its pattern " + pattern + " has " + std::to_string(groups) + " capture groups for " +
                                      std::to_string(parameters) + " path parameters");
  for (const auto& known : routes_)
    if (known.method == method && known.path == path)
      throw bad_route(method, path, "added twice");
  routes_.push_back(route{method, path, pattern});
  return routes_.back().pattern;
}

void route_registry::add(const std::string& method, const std::string& path, httplib::Server::Handler handler) {
  add(method, path, literal_pattern(method, path), std::move(handler));
}

void route_registry::add(const std::string& method, const std::string& path, const std::string& pattern,
                         httplib::Server::Handler handler) {
  install(server_, method, remember(method, path, pattern), std::move(handler));
}

void route_registry::add(const std::string& method, const std::string& path,
                         httplib::Server::HandlerWithContentReader handler) {
  add(method, path, literal_pattern(method, path), std::move(handler));
}

void route_registry::add(const std::string& method, const std::string& path, const std::string& pattern,
                         httplib::Server::HandlerWithContentReader handler) {
  if (method == "GET" || method == "OPTIONS")
    throw bad_route(method, path, "httplib reads no body for " + method);
  install(server_, method, remember(method, path, pattern), std::move(handler));
}

} // namespace vs::api
