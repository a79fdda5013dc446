// GET /jobs?state=&limit= on the in-memory job table (standalone with a
// store, the same query is answered by the store: tests/app/job_store_serve_test).
#include "tests/api/http_fixture.hpp"

#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

std::string submit(httplib::Client& client, const json& body) {
  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  INFO(posted->body);
  REQUIRE(posted->status == 202);
  return json::parse(posted->body)["job_id"];
}

void wait_for(httplib::Client& client, const std::string& id, const std::string& state) {
  for (int i = 0; i < 1200; ++i) {
    if (body_of(client.Get(("/jobs/" + id).c_str()))["status"] == state)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  FAIL("job " << id << " never became " << state);
}

std::vector<std::string> listed(httplib::Client& client, const std::string& path) {
  auto answer = client.Get(path.c_str());
  REQUIRE(answer);
  INFO(answer->body);
  REQUIRE(answer->status == 200);
  std::vector<std::string> ids;
  const json list = json::parse(answer->body);
  for (const auto& job : list["jobs"])
    ids.push_back(job["job_id"]);
  return ids;
}

} // namespace

TEST_CASE("GET /jobs filters by state and limit, newest first, and refuses an unknown state naming it",
          "[http][jobs]") {
  http_fixture server(1);
  auto client = server.client();
  json good = server.small_job();
  json broken = good;
  write_bytes(server.media("broken.png"), "not a picture at all");
  broken["image_paths"] = {server.media("broken.png")};
  const std::string first = submit(client, good);
  wait_for(client, first, "success");
  const std::string failed = submit(client, broken);
  wait_for(client, failed, "failed");
  const std::string second = submit(client, good);
  wait_for(client, second, "success");

  CHECK(listed(client, "/jobs") == std::vector<std::string>{second, failed, first});
  CHECK(listed(client, "/jobs?state=success") == std::vector<std::string>{second, first});
  CHECK(listed(client, "/jobs?state=success&limit=1") == std::vector<std::string>{second});
  CHECK(listed(client, "/jobs?state=failed") == std::vector<std::string>{failed});
  CHECK(listed(client, "/jobs?limit=2") == std::vector<std::string>{second, failed});
  CHECK(listed(client, "/jobs?state=cancelled").empty());
  check_error_reply(client.Get("/jobs?state=done"), 422, "invalid_argument",
                    "state must be queued, processing, success, failed or cancelled, not 'done'", "state");
  check_error_reply(client.Get("/jobs?state=success&limit=0"), 422, "invalid_argument",
                    "limit must be between 1 and 1000", "limit");
}
