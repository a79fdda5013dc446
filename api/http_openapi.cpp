#include "api/http_openapi.hpp"

#include "api/http_guarded.hpp"
#include "jobs/json_text.hpp"
#include "api/openapi_document.hpp"

#include <nlohmann/json.hpp>

#include <memory>
#include <mutex>

namespace vs::api {

void install_openapi_routes(route_registry& routes, const route_context& context) {
  // Built once, on the first request: a document that cannot be built (a
  // job field without its schema) is a 500 naming the cause, not a server
  // that fails to start; the tests ask for it.
  auto text = std::make_shared<std::string>();
  auto once = std::make_shared<std::once_flag>();
  routes.add("GET", "/openapi.json",
             guarded([text, once, version = context.config.version](const httplib::Request&, httplib::Response& res) {
               std::call_once(*once, [&] { *text = jobs::json_text(openapi_document(version)); });
               res.set_content(*text, "application/json");
             }));
}

} // namespace vs::api
