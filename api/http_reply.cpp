#include "api/http_reply.hpp"

#include "api/http_errors.hpp"
#include "jobs/json_text.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

namespace {
constexpr const char* json_type = "application/json";
}

void send_json(httplib::Response& res, int status, const nlohmann::json& body) {
  res.status = status;
  res.set_content(jobs::json_text(body), json_type);
}

void send_error(httplib::Response& res, const error& failure, int status) {
  res.status = status != 0 ? status : http_status_for(failure.code);
  res.set_content(error_body(failure), json_type);
}

} // namespace vs::api
