#include "api/openapi_document.hpp"

#include "jobs/job_request.hpp"
#include "media/error.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace vs::api {

/// api/openapi.json's text (openapi_text.cpp, written by api/CMakeLists.txt).
extern const char openapi_base_text[];

namespace {

using nlohmann::json;

/// The answers any route can give, whatever it does: the connection guards
/// (http_server, http_guards) answer these before or around every handler,
/// and guarded() turns a thrown exception into a 500.
struct common_answer {
  const char* status;
  const char* response;  ///< in components.responses
};
constexpr common_answer answers_of_every_route[] = {
    {"400", "BadRequest"},      {"408", "RequestTimeout"}, {"413", "PayloadTooLarge"}, {"414", "UriTooLong"},
    {"431", "HeadersTooLarge"}, {"500", "InternalError"},  {"503", "Unavailable"},
};

/// Set on every answer to an allowed Origin (http_cors: add_cors_headers).
constexpr std::pair<const char*, const char*> cors_headers[] = {
    {"Access-Control-Allow-Origin", "AccessControlAllowOrigin"},
    {"Access-Control-Expose-Headers", "AccessControlExposeHeaders"},
    {"Vary", "Vary"},
};

bool is_operation(const std::string& key) {
  for (const char* method : {"get", "put", "post", "delete", "options", "head", "patch", "trace"})
    if (key == method)
      return true;
  return false;
}

json reference(const std::string& kind, const std::string& name) { return {{"$ref", "#/components/" + kind + "/" + name}}; }

/// Every code an error body may carry.
json error_codes() {
  json codes = json::array();
  for (int code = 1; code <= 255; ++code) {
    std::string name = to_string(static_cast<errc>(code));
    if (name != "unknown")
      codes.push_back(name);
  }
  return codes;
}

/// The response object `response` is, following a $ref into components.
json& resolved(json& doc, json& response) {
  if (!response.contains("$ref"))
    return response;
  const std::string prefix = "#/components/responses/";
  const std::string target = response.at("$ref");
  if (target.rfind(prefix, 0) != 0)
    throw std::logic_error("a response refers to " + target + ", not to components.responses");
  return doc.at("components").at("responses").at(target.substr(prefix.size()));
}

void add_header(json& response, const std::string& name, const std::string& component) {
  json& headers = response["headers"];
  if (!headers.contains(name))
    headers[name] = reference("headers", component);
}

void complete_operation(json& doc, json& operation) {
  json& responses = operation.at("responses");
  for (const auto& answer : answers_of_every_route)
    if (!responses.contains(answer.status))
      responses[answer.status] = reference("responses", answer.response);
  for (auto& [status, response] : responses.items()) {
    json& target = resolved(doc, response);
    for (const auto& [header, component] : cors_headers)
      add_header(target, header, component);
    // http_guards sets it on every 429 and 503.
    if (status == "429" || status == "503")
      add_header(target, "Retry-After", "RetryAfter");
  }
}

} // namespace

json openapi_document(const std::string& version) {
  json doc = json::parse(openapi_base_text);
  doc["info"]["version"] = version;
  json& schemas = doc.at("components").at("schemas");
  const json generated = jobs::job_request_schemas();
  for (const auto& [name, schema] : generated.items()) {
    if (schemas.contains(name))
      throw std::logic_error("the schema " + name + " is both in api/openapi.json and generated");
    schemas[name] = schema;
  }
  schemas.at("ErrorObject").at("properties").at("code")["enum"] = error_codes();
  const json every_path = doc.at("x-every-path");
  doc.erase("x-every-path");
  for (auto& [path, item] : doc.at("paths").items()) {
    for (const auto& [method, operation] : every_path.items()) {
      if (item.contains(method))
        throw std::logic_error(path + " describes " + method + ", which x-every-path gives every path");
      item[method] = operation;
    }
    for (auto& [key, operation] : item.items())
      if (is_operation(key))
        complete_operation(doc, operation);
  }
  return doc;
}

} // namespace vs::api
