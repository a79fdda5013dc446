// /openapi.json against the routes the server really has: every route
// documented, every documented operation a route (a real request to it is
// never "no route"), and the registry that lists them refusing what would
// make the list wrong.

#include "api/http_routes.hpp"
#include "api/route_registry.hpp"
#include "jobs/upload_folder.hpp"
#include "api/upload_store.hpp"

#include "tests/api/http_fixture.hpp"

#include <set>

using namespace vs;
using nlohmann::json;

namespace {

const char* const http_methods[] = {"get", "put", "post", "delete", "options", "head", "patch", "trace"};

std::string upper(std::string text) {
  for (char& c : text)
    c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  return text;
}

json served_document(const test::http_fixture& fixture) {
  auto answer = fixture.client().Get("/openapi.json");
  REQUIRE(answer);
  REQUIRE(answer->status == 200);
  CHECK(answer->get_header_value("Content-Type") == "application/json");
  return json::parse(answer->body);
}

/// The routes install_routes adds: the one function run_http_server calls
/// to route, run here on a server of our own to read its registry.
std::vector<api::route> installed_routes(test::http_fixture& fixture) {
  httplib::Server scratch;
  api::route_registry routes(scratch);
  api::http_config config;
  config.output_dir = fixture.dir.file("out");
  config.media_roots = {fixture.dir.file("media")};
  api::media_roots roots(config.media_roots);
  std::atomic<bool> stopping{false};
  std::atomic<int> sync_waits{0};
  api::upload_store uploads(jobs::uploads_folder_of(config.output_dir), config.upload_max_age);
  api::install_routes(routes,
                      api::route_context{fixture.system->service(), config, roots, stopping, sync_waits, uploads});
  return routes.routes();
}

/// "GET /jobs/{id}" for every operation of the document.
std::set<std::string> documented_operations(const json& doc) {
  std::set<std::string> operations;
  for (const auto& [path, item] : doc.at("paths").items())
    for (const char* method : http_methods)
      if (item.contains(method))
        operations.insert(upper(method) + " " + path);
  return operations;
}

/// The same for the registry; a route on "*" is on every documented path.
std::set<std::string> routed_operations(const std::vector<api::route>& routes, const json& doc) {
  std::set<std::string> operations;
  for (const auto& route : routes) {
    if (route.path != "*") {
      operations.insert(route.method + " " + route.path);
      continue;
    }
    for (const auto& [path, item] : doc.at("paths").items())
      operations.insert(route.method + " " + path);
  }
  return operations;
}

std::string listed(const std::set<std::string>& items) {
  std::string text;
  for (const auto& item : items)
    text += "\n  " + item;
  return text.empty() ? " none" : text;
}

/// `node`, following a "#/components/..." reference.
const json& resolved(const json& doc, const json& node) {
  if (!node.contains("$ref"))
    return node;
  return doc.at(json::json_pointer(node.at("$ref").get<std::string>().substr(1)));
}

/// `path` with each {name} replaced by its parameter's documented example.
std::string example_path(const json& doc, const std::string& path, const json& item, const json& operation) {
  std::string url = path;
  for (const json* list : {&item, &operation}) {
    if (!list->contains("parameters"))
      continue;
    for (const auto& entry : list->at("parameters")) {
      const json& parameter = resolved(doc, entry);
      if (parameter.at("in") != "path")
        continue;
      INFO(path << " parameter " << parameter.at("name"));
      REQUIRE(parameter.contains("example"));
      const std::string name = "{" + parameter.at("name").get<std::string>() + "}";
      url.replace(url.find(name), name.size(), parameter.at("example").get<std::string>());
    }
  }
  INFO(path);
  REQUIRE(url.find('{') == std::string::npos);
  return url;
}

struct probe_answer {
  int status = 0;
  std::string body;
};

/// A GET that stops at the headers of an event stream (live updates never end).
probe_answer get(httplib::Client& client, const std::string& url) {
  probe_answer answer;
  bool streaming = false;
  auto result = client.Get(
      url.c_str(),
      [&](const httplib::Response& res) {
        answer.status = res.status;
        streaming = res.get_header_value("Content-Type").rfind("text/event-stream", 0) == 0;
        return !streaming;
      },
      [&](const char* data, size_t size) {
        answer.body.append(data, size);
        return true;
      });
  if (!streaming)
    REQUIRE(result);
  return answer;
}

probe_answer answer_of(const httplib::Result& result) {
  REQUIRE(result);
  return {result->status, result->body};
}

probe_answer call(httplib::Client& client, const std::string& method, const std::string& url) {
  if (method == "GET")
    return get(client, url);
  if (method == "POST")
    return answer_of(client.Post(url.c_str(), "{}", "application/json"));
  if (method == "PUT")
    return answer_of(client.Put(url.c_str(), "{}", "application/json"));
  if (method == "PATCH")
    return answer_of(client.Patch(url.c_str(), "{}", "application/json"));
  if (method == "DELETE")
    return answer_of(client.Delete(url.c_str()));
  if (method == "OPTIONS")
    return answer_of(client.Options(url.c_str()));
  FAIL("no way to send " << method);
  return {};
}

/// True if `answer` is the guards' answer to a path no route matches.
bool is_no_route(const probe_answer& answer) {
  if (answer.status != 404)
    return false;
  return json::parse(answer.body).at("error").at("message").get<std::string>().rfind("no route for ", 0) == 0;
}

} // namespace

TEST_CASE("every route of the server is in /openapi.json and every documented operation is a route",
          "[http][openapi]") {
  test::http_fixture fixture;
  const json doc = served_document(fixture);
  const auto routes = installed_routes(fixture);
  REQUIRE(routes.size() >= 12);

  const auto documented = documented_operations(doc);
  const auto routed = routed_operations(routes, doc);
  std::set<std::string> undocumented, unrouted;
  for (const auto& operation : routed)
    if (!documented.count(operation))
      undocumented.insert(operation);
  for (const auto& operation : documented)
    if (!routed.count(operation))
      unrouted.insert(operation);
  INFO("routes missing from api/openapi.json:" << listed(undocumented));
  INFO("documented operations no route serves:" << listed(unrouted));
  CHECK(undocumented.empty());
  CHECK(unrouted.empty());
  CHECK(documented.count("GET /openapi.json"));
  CHECK(documented.count("OPTIONS /jobs/{id}/video"));
}

TEST_CASE("a real request to every documented operation reaches a route, never 'no route'", "[http][openapi]") {
  test::http_fixture fixture;
  const json doc = served_document(fixture);
  auto client = fixture.client();

  // The check can fail: a path no route serves is told apart.
  CHECK(is_no_route(get(client, "/jobs/abc/thumbnail")));
  // Paths without parameters are literal: the '.' of /openapi.json matches only itself.
  CHECK(is_no_route(get(client, "/openapiXjson")));

  size_t probed = 0;
  for (const auto& [path, item] : doc.at("paths").items()) {
    for (const char* method : http_methods) {
      if (!item.contains(method))
        continue;
      const std::string url = example_path(doc, path, item, item.at(method));
      INFO(upper(method) << " " << url << " (documented as " << path << ")");
      const probe_answer answer = call(client, upper(method), url);
      INFO(answer.status << " " << answer.body);
      CHECK_FALSE(is_no_route(answer));
      // Every status the route answered is documented for it.
      CHECK(item.at(method).at("responses").contains(std::to_string(answer.status)));
      ++probed;
    }
  }
  CHECK(probed == documented_operations(doc).size());
}

TEST_CASE("/openapi.json is OpenAPI 3.1.0 with the service's version, readable by pages of allowed origins",
          "[http][openapi][cors]") {
  test::http_fixture fixture([](api::http_config& config) { config.cors_origins = {"https://app.example"}; });
  httplib::Headers origin = {{"Origin", "https://app.example"}};
  auto answer = fixture.client().Get("/openapi.json", origin);
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->get_header_value("Access-Control-Allow-Origin") == "https://app.example");
  const json doc = json::parse(answer->body);
  CHECK(doc.at("openapi") == "3.1.0");
  CHECK(doc.at("info").at("version") == VS_VERSION);
  CHECK_FALSE(doc.contains("x-every-path"));
  // What the code adds to the hand-written part.
  CHECK(doc.at("components").at("schemas").contains("Job"));
  CHECK(doc.at("paths").at("/jobs").at("post").at("responses").at("503") ==
        json{{"$ref", "#/components/responses/Unavailable"}});
  CHECK(doc.at("components").at("responses").at("Unavailable").at("headers").contains("Retry-After"));
  CHECK(doc.at("paths").at("/health").at("get").at("responses").at("200").at("headers").contains(
      "Access-Control-Allow-Origin"));

  auto preflight = fixture.client().Options("/openapi.json", {{"Origin", "https://app.example"},
                                                              {"Access-Control-Request-Method", "GET"}});
  REQUIRE(preflight);
  CHECK(preflight->status == 204);
}

TEST_CASE("the route registry refuses routes the document could not describe", "[openapi][routes]") {
  httplib::Server server;
  api::route_registry routes(server);
  auto handler = [](const httplib::Request&, httplib::Response&) {};
  routes.add("GET", "/jobs/{id}", R"(/jobs/([A-Za-z0-9_-]{1,64}))", handler);
  routes.add("GET", "/openapi.json", handler);
  routes.add("OPTIONS", "*", ".*", handler);
  REQUIRE(routes.routes().size() == 3);
  CHECK(routes.routes()[0].pattern == R"(/jobs/([A-Za-z0-9_-]{1,64}))");
  CHECK(routes.routes()[1].pattern == R"(/openapi\.json)");
  CHECK(routes.routes()[2].path == "*");

  CHECK_THROWS_WITH(routes.add("GET", "/jobs/{id}/video", handler),
                    "route GET /jobs/{id}/video: it has parameters: give its pattern too");
  CHECK_THROWS_WITH(routes.add("GET", "/a/{x}/{y}", "/a/([a-z]+)/[a-z]+", handler),
                    "route GET /a/{x}/{y}: its pattern /a/([a-z]+)/[a-z]+ has 1 capture groups for 2 path parameters");
  CHECK_THROWS_WITH(routes.add("GET", "/jobs/{id}", "/jobs/(.+)", handler), "route GET /jobs/{id}: added twice");
  CHECK_THROWS_WITH(routes.add("FETCH", "/x", handler), "route FETCH /x: unknown method");
  CHECK_THROWS_WITH(routes.add("GET", "jobs", handler),
                    "route GET jobs: the path must start with '/' (or be \"*\", every path)");
  CHECK_THROWS_WITH(routes.add("GET", "/upload",
                               [](const httplib::Request&, httplib::Response&, const httplib::ContentReader&) {}),
                    "route GET /upload: httplib reads no body for GET");
  // The refused routes were not added either.
  CHECK(routes.routes().size() == 3);
  CHECK(api::path_parameters("/a/{x}/b/{y}") == std::vector<std::string>{"x", "y"});
  CHECK(api::regex_literal("/a.b+(c)") == R"(/a\.b\+\(c\))");
}
