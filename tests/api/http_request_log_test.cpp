// One log line per request (issue 10, item 8): method, path, status and
// milliseconds, as text or, with the JSON formatter, as fields of a JSON
// object per line.

#include "api/json_log.hpp"

#include "tests/api/http_fixture.hpp"

#include <catch2/catch.hpp>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <regex>
#include <sstream>
#include <utility>

using namespace vs::test;
using nlohmann::json;

namespace {

/// Routes the default logger into a string for the scope's lifetime. An
/// ostream sink formats as it logs, on the logging thread, as a console
/// sink does (a ring buffer would format later, on the reading thread).
struct recorded_logs {
  std::shared_ptr<spdlog::logger> previous = spdlog::default_logger();
  std::ostringstream text;
  std::shared_ptr<spdlog::sinks::ostream_sink_mt> sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(text);
  recorded_logs() { spdlog::set_default_logger(std::make_shared<spdlog::logger>("recorded", sink)); }
  ~recorded_logs() { spdlog::set_default_logger(previous); }
  std::vector<std::string> lines() {
    sink->flush();
    std::vector<std::string> split;
    std::istringstream all(text.str());
    for (std::string line; std::getline(all, line);)
      split.push_back(line + "\n");
    return split;
  }
};

std::vector<std::string> matching(const std::vector<std::string>& lines, const std::string& text) {
  std::vector<std::string> found;
  for (const auto& line : lines)
    if (line.find(text) != std::string::npos)
      found.push_back(line);
  return found;
}

} // namespace

TEST_CASE("each request is logged once with method, path, status and milliseconds", "[http][log]") {
  recorded_logs logs;
  {
    http_fixture server;
    auto client = server.client();
    REQUIRE(client.Get("/health"));
    REQUIRE(client.Post("/jobs", R"({"fps":"x"})", "application/json"));
    REQUIRE(client.Get("/jobs/nope?limit=3"));
    // A control character in the path cannot forge a second log line.
    REQUIRE(client.Get("/a%0Afake%20line"));
  }
  auto lines = logs.lines();
  for (const auto& line : lines)
    UNSCOPED_INFO(line);
  auto health = matching(lines, "GET /health ");
  REQUIRE(health.size() == 1);
  CHECK(std::regex_search(health[0], std::regex(R"(\] GET /health 200 [0-9]+\.[0-9] ms\s*$)")));
  auto bad = matching(lines, "POST /jobs ");
  REQUIRE(bad.size() == 1);
  CHECK(std::regex_search(bad[0], std::regex(R"(POST /jobs 422 [0-9]+\.[0-9] ms\s*$)")));
  CHECK(matching(lines, "GET /jobs/nope 404 ").size() == 1);
  CHECK(matching(lines, "GET /a\\x0afake line 404 ").size() == 1);
}

TEST_CASE("with the JSON formatter every line is one JSON object, requests with fields", "[http][log]") {
  recorded_logs logs;
  logs.sink->set_formatter(vs::api::json_log_formatter());
  {
    http_fixture server;
    auto client = server.client();
    REQUIRE(client.Get("/health"));
    REQUIRE(client.Get("/jobs/x\"y"));
  }
  auto lines = logs.lines();
  REQUIRE_FALSE(lines.empty());
  std::vector<json> requests;
  for (const auto& line : lines) {
    INFO(line);
    REQUIRE(line.back() == '\n');
    json entry = json::parse(line);
    CHECK(entry["level"].is_string());
    CHECK(std::regex_match(entry["time"].get<std::string>(),
                           std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)")));
    CHECK(entry["message"].is_string());
    if (entry.contains("method"))
      requests.push_back(entry);
  }
  REQUIRE(requests.size() == 2);
  // Each request has its own connection thread, which logs after answering:
  // the client may see both answers before the first line is written, so
  // the lines can come in either order.
  if (requests[0]["path"] != "/health")
    std::swap(requests[0], requests[1]);
  CHECK(requests[0]["method"] == "GET");
  CHECK(requests[0]["path"] == "/health");
  CHECK(requests[0]["status"] == 200);
  CHECK(requests[0]["ms"].is_number());
  CHECK(requests[0]["message"].get<std::string>().rfind("GET /health 200 ", 0) == 0);
  CHECK(requests[1]["path"] == "/jobs/x\"y");
  CHECK(requests[1]["status"] == 404);
}
