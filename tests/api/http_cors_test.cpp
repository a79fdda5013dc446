// Cross-origin clients (issue 10, item 5): a web page on another origin can
// submit, poll and seek in the video when CORS_ORIGINS names it.

#include "tests/api/http_fixture.hpp"

#include <catch2/catch.hpp>

using namespace vs::test;
using nlohmann::json;

namespace {

const std::string page = "http://app.example:3000";

httplib::Headers from(const std::string& origin, httplib::Headers more = {}) {
  more.emplace("Origin", origin);
  return more;
}

httplib::Result preflight(httplib::Client& client, const std::string& path, const std::string& origin,
                          const std::string& method, const std::string& headers) {
  return client.Options(path.c_str(), from(origin, {{"Access-Control-Request-Method", method},
                                                    {"Access-Control-Request-Headers", headers}}));
}

} // namespace

TEST_CASE("CORS: a listed origin passes preflight and reads answers, errors and video ranges", "[http][cors]") {
  http_fixture server([](vs::api::http_config& config) { config.cors_origins = {"https://other.example", page}; });
  auto client = server.client();

  // Preflight was a 404 before.
  auto pre = preflight(client, "/jobs", page, "POST", "content-type");
  REQUIRE(pre);
  CHECK(pre->status == 204);
  CHECK(pre->get_header_value("Access-Control-Allow-Origin") == page);
  CHECK(pre->get_header_value("Access-Control-Allow-Methods") == "GET, POST, DELETE, OPTIONS");
  CHECK(pre->get_header_value("Access-Control-Allow-Headers") == "Content-Type, Range");
  CHECK(pre->get_header_value("Access-Control-Max-Age") == "600");
  CHECK(pre->get_header_value("Vary") == "Origin");
  CHECK(pre->body.empty());

  const std::string exposed = "Content-Range, Accept-Ranges, Content-Length, Location, Retry-After";
  auto done = client.Post("/generateVideo", from(page), server.small_job(1.0).dump(), "application/json");
  REQUIRE(done);
  REQUIRE(done->status == 200);
  CHECK(done->get_header_value("Access-Control-Allow-Origin") == page);
  CHECK(done->get_header_value("Access-Control-Expose-Headers") == exposed);
  std::string id = body_of(done)["job_id"];

  // A player on the page seeks: it must see Content-Range.
  auto part = client.Get(("/jobs/" + id + "/video").c_str(), from(page, {{"Range", "bytes=0-9"}}));
  REQUIRE(part);
  CHECK(part->status == 206);
  CHECK(part->body.size() == 10);
  CHECK(part->get_header_value("Access-Control-Allow-Origin") == page);
  CHECK(part->get_header_value("Access-Control-Expose-Headers") == exposed);
  CHECK(part->get_header_value("Content-Range").rfind("bytes 0-9/", 0) == 0);

  // Errors too, or the page could not read why.
  auto missing = client.Get("/jobs/nope", from(page));
  REQUIRE(missing);
  CHECK(missing->status == 404);
  CHECK(missing->get_header_value("Access-Control-Allow-Origin") == page);

  // Another origin gets no grant, and its preflight is refused saying why.
  auto stranger = client.Get("/health", from("http://evil.example"));
  REQUIRE(stranger);
  CHECK(stranger->status == 200);
  CHECK_FALSE(stranger->has_header("Access-Control-Allow-Origin"));
  CHECK(stranger->get_header_value("Vary") == "Origin");
  auto refused = preflight(client, "/jobs", "http://evil.example", "POST", "content-type");
  REQUIRE(refused);
  CHECK(refused->status == 403);
  CHECK_FALSE(refused->has_header("Access-Control-Allow-Origin"));
  CHECK(body_of(refused)["error"]["message"] == "origin http://evil.example is not in CORS_ORIGINS");
}

TEST_CASE("CORS: * grants every origin without credentials", "[http][cors]") {
  http_fixture server([](vs::api::http_config& config) { config.cors_origins = {"*"}; });
  auto client = server.client();
  auto pre = preflight(client, "/jobs/abc", "http://anywhere.example", "DELETE", "");
  REQUIRE(pre);
  CHECK(pre->status == 204);
  CHECK(pre->get_header_value("Access-Control-Allow-Origin") == "*");
  CHECK_FALSE(pre->has_header("Access-Control-Allow-Credentials"));
  auto health = client.Get("/health", from("http://anywhere.example"));
  REQUIRE(health);
  CHECK(health->get_header_value("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("CORS: off unless configured, and a preflight says so", "[http][cors]") {
  http_fixture server;
  auto client = server.client();
  auto health = client.Get("/health", from(page));
  REQUIRE(health);
  CHECK_FALSE(health->has_header("Access-Control-Allow-Origin"));
  auto pre = preflight(client, "/jobs", page, "POST", "content-type");
  REQUIRE(pre);
  CHECK(pre->status == 403);
  CHECK(body_of(pre)["error"]["message"] == "cross-origin requests are off: CORS_ORIGINS is not set");
  // OPTIONS without a preflight is a plain question about the methods.
  auto plain = client.Options("/jobs");
  REQUIRE(plain);
  CHECK(plain->status == 204);
  CHECK(plain->get_header_value("Allow") == "GET, POST, DELETE, OPTIONS");
}
