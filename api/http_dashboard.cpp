#include "api/http_dashboard.hpp"

#include "api/embedded_file.hpp"
#include "api/http_admin.hpp"
#include "api/http_guarded.hpp"
#include "api/http_reply.hpp"

#include <httplib.h>

#include <string_view>

namespace vs::api {

namespace {

/// Scripts, styles, media and requests from this origin only; nothing inline,
/// no plugins, no framing (clickjacking), forms post here only.
constexpr const char* content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; media-src 'self'; "
    "connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'";

const embedded_file* find_dashboard_file(std::string_view name) {
  for (size_t i = 0; i < dashboard_files_count; ++i)
    if (name == dashboard_files[i].name)
      return &dashboard_files[i];
  return nullptr;
}

/// True when If-None-Match names `etag` (or is `*`).
bool matches_etag(const httplib::Request& req, std::string_view etag) {
  if (!req.has_header("If-None-Match"))
    return false;
  const std::string wanted = req.get_header_value("If-None-Match");
  return wanted == "*" || wanted.find(etag) != std::string::npos;
}

void serve_file(const httplib::Request& req, httplib::Response& res, const embedded_file& file) {
  res.set_header("Content-Security-Policy", content_security_policy);
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_header("Referrer-Policy", "no-referrer");
  // Revalidated on every load (the binary may have changed), answered 304
  // while it has not.
  res.set_header("Cache-Control", "no-cache");
  res.set_header("ETag", file.etag);
  if (matches_etag(req, file.etag)) {
    res.status = 304;
    return;
  }
  res.set_content(std::string(file.bytes()), file.content_type);
}

} // namespace

void install_dashboard_routes(route_registry& routes, const route_context& context) {
  routes.add("GET", "/", guarded([](const httplib::Request& req, httplib::Response& res) {
    serve_file(req, res, *find_dashboard_file("index.html"));
  }));
  routes.add("GET", "/dashboard", "/dashboard/?", guarded([](const httplib::Request&, httplib::Response& res) {
    res.set_redirect("/");
  }));
  routes.add("GET", "/dashboard/{file}", R"(/dashboard/([A-Za-z0-9_.-]{1,64}))",
             guarded([](const httplib::Request& req, httplib::Response& res) {
               const std::string name = req.matches[1];
               const embedded_file* file = find_dashboard_file(name);
               if (file == nullptr)
                 return send_error(res, make_error(errc::not_found, "no dashboard file " + name));
               serve_file(req, res, *file);
             }));
  install_admin_routes(routes, context);
}

} // namespace vs::api
