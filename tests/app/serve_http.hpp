#pragma once
/// Requests the tests of a `video-service serve` subprocess make alike.

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <string>

namespace vs::test {

/// POST /jobs with `body` to the serve on `port`; requires 202 and returns the job id.
inline std::string submit_job(int port, const nlohmann::json& body) {
  httplib::Client client("127.0.0.1", port);
  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  INFO(posted->body);
  REQUIRE(posted->status == 202);
  return nlohmann::json::parse(posted->body)["job_id"];
}

} // namespace vs::test
