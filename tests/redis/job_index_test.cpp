// The job index on a real redis-server: what newest_jobs reads back, and
// how merge_recent puts the cluster's jobs and this process's together.
#include "redis/job_index.hpp"
#include "redis/redis_client.hpp"
#include "redis/task_keys.hpp"
#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::redis;
using vs::test::local_endpoint;
using vs::test::redis_server;

namespace {

jobs::job_snapshot local_job(const std::string& id, int64_t created_ms, jobs::job_state state) {
  jobs::job_snapshot job;
  job.id = id;
  job.created_at_ms = created_ms;
  job.state = state;
  job.source = "http";
  return job;
}

indexed_job shared_job(const std::string& id, int64_t listed_ms, const std::string& status,
                       const std::string& service = "video-service") {
  return indexed_job{id, listed_ms, {{"service", service}, {"status", status}, {"params", R"({"fps":30})"}}};
}

} // namespace

TEST_CASE("newest_jobs reads the newest indexed jobs with their hashes, without huge params", "[redis][jobs]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  server.cli({"HSET", task_key("old"), "service", "video-service", "status", "success", "params", R"({"fps":12})"});
  server.cli({"HSET", task_key("big"), "service", "video-service", "status", "processing", "params",
              R"({"captions_text":")" + std::string(100 * 1024, 'a') + R"("})"});
  server.cli({"ZADD", job_index_key(), "1000", "old", "2000", "gone", "3000", "big"});
  auto newest = newest_jobs(client, 10);
  REQUIRE(newest);
  REQUIRE(newest->size() == 3);
  CHECK((*newest)[0].id == "big");
  CHECK((*newest)[0].listed_ms == 3000);
  CHECK(field_of((*newest)[0].fields, "status") == "processing");
  CHECK((*newest)[0].fields.count("params") == 0);
  CHECK((*newest)[1].id == "gone");
  CHECK((*newest)[1].fields.empty());
  CHECK(field_of((*newest)[2].fields, "params") == R"({"fps":12})");
  auto two = newest_jobs(client, 2);
  REQUIRE(two);
  CHECK(two->size() == 2);

  // An index key of another type lists nothing, and is not an error.
  server.cli({"DEL", job_index_key()});
  server.cli({"SET", job_index_key(), "not a sorted set"});
  auto broken = newest_jobs(client, 10);
  REQUIRE(broken);
  CHECK(broken->empty());
}

TEST_CASE("merge_recent puts local jobs in place of their Redis copies, newest first", "[redis][jobs]") {
  std::vector<jobs::job_snapshot> local{local_job("mine", 2500, jobs::job_state::processing),
                                        local_job("both", 1500, jobs::job_state::processing)};
  std::vector<indexed_job> shared{shared_job("theirs", 3000, "success"), shared_job("both", 1500, "queued"),
                                  shared_job("other-service", 2000, "success", "image-service"),
                                  indexed_job{"expired", 2200, {}}, shared_job("first", 1000, "failed")};
  auto all = merge_recent(local, shared, jobs::job_query{});
  std::vector<std::string> ids;
  for (const auto& job : all)
    ids.push_back(job.id);
  CHECK(ids == std::vector<std::string>{"theirs", "mine", "both", "first"});
  CHECK(all[2].state == jobs::job_state::processing);  // the local, live copy
  CHECK(all[0].spec.fps == 30);

  auto limited = merge_recent(local, shared, jobs::job_query{2, std::nullopt});
  REQUIRE(limited.size() == 2);
  CHECK(limited[1].id == "mine");

  // The local jobs come already filtered (job_service::recent does it).
  auto failed = merge_recent({}, shared, jobs::job_query{50, jobs::job_state::failed});
  REQUIRE(failed.size() == 1);
  CHECK(failed[0].id == "first");
}
