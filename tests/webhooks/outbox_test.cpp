// The outbox contract, for every kind: memory, SQLite (standalone, a real
// file) and Redis (a real redis-server): add, claim with a lease, settle
// fenced by the claim, the job's latest delivery; with SQLite, what outlives
// the process; with Redis, many workers claiming at once.

#include "webhooks/memory_outbox.hpp"
#include "webhooks/redis_outbox.hpp"
#include "webhooks/sqlite_outbox.hpp"

#include "tests/redis/local_endpoint.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <thread>

using namespace vs;
using namespace vs::webhooks;

namespace {

delivery_record delivery(const std::string& id, const std::string& job, int64_t due_ms) {
  delivery_record record;
  record.id = id;
  record.job_id = job;
  record.url = "https://example.com/hook?token=t";
  record.event = "job.succeeded";
  record.body = R"({"job_id":")" + job + R"("})";
  record.created_ms = due_ms;
  record.deadline_ms = due_ms + 3'600'000;
  record.next_attempt_ms = due_ms;
  return record;
}

enum class outbox_kind { memory, sqlite, redis };
constexpr outbox_kind every_kind[] = {outbox_kind::memory, outbox_kind::sqlite, outbox_kind::redis};

const char* name_of(outbox_kind kind) {
  return kind == outbox_kind::memory ? "memory" : kind == outbox_kind::sqlite ? "sqlite" : "redis";
}

/// A test's outbox and a second handle on the same store (another worker;
/// the same object where one process owns the store).
struct outbox_pair {
  std::unique_ptr<test::redis_server> server;
  std::unique_ptr<test::temp_dir> dir;
  std::shared_ptr<webhook_outbox> first;
  std::shared_ptr<webhook_outbox> second;
};

outbox_pair make_outboxes(outbox_kind kind) {
  outbox_pair pair;
  if (kind == outbox_kind::memory) {
    pair.first = std::make_shared<memory_outbox>();
  } else if (kind == outbox_kind::sqlite) {
    pair.dir = std::make_unique<test::temp_dir>();
    auto opened = sqlite_outbox::open(pair.dir->file("jobs-webhooks.sqlite"), std::chrono::seconds(60));
    REQUIRE(opened);
    pair.first = *opened;
  } else {
    pair.server = std::make_unique<test::redis_server>();
    auto endpoint = test::local_endpoint(*pair.server);
    pair.first = std::make_shared<redis_outbox>(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
    pair.second = std::make_shared<redis_outbox>(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
    return pair;
  }
  pair.second = pair.first;
  return pair;
}

jobs::webhook_attempt attempt_at(int64_t at, int status, std::string error = {}) {
  return jobs::webhook_attempt{at, status, std::move(error), 12};
}

} // namespace

TEST_CASE("an outbox hands out due deliveries once, settles them and shows the job's latest", "[webhooks][outbox]") {
  for (outbox_kind kind : every_kind) {
    INFO(name_of(kind));
    auto stores = make_outboxes(kind);
    webhook_outbox& outbox = *stores.first;
    REQUIRE(outbox.add(delivery("d1", "job1", 1000)));
    REQUIRE(outbox.add(delivery("d2", "job2", 5000)));
    REQUIRE(outbox.add(delivery("d1", "job1", 1000)));  // again: nothing changes

    auto early = outbox.claim(500, 10'000, "w1");
    REQUIRE(early);
    CHECK_FALSE(early->claimed);
    CHECK(early->next_due_ms == 1000);

    auto first = outbox.claim(1500, 10'000, "w1");
    REQUIRE(first);
    REQUIRE(first->claimed);
    const claimed_delivery claim = *first->claimed;
    CHECK(claim.record.id == "d1");
    CHECK(claim.record.job_id == "job1");
    CHECK(claim.record.body == R"({"job_id":"job1"})");
    CHECK(claim.record.url == "https://example.com/hook?token=t");
    CHECK(claim.record.deadline_ms == 1000 + 3'600'000);
    CHECK(claim.record.attempt_count == 0);

    // Claimed: nobody else gets it before its lease ends.
    auto meanwhile = stores.second->claim(1600, 20'000, "w2");
    REQUIRE(meanwhile);
    CHECK_FALSE(meanwhile->claimed);

    delivery_record retry = claim.record;
    retry.attempt_count = 1;
    retry.attempts = {attempt_at(1500, 500)};
    retry.next_attempt_ms = 3000;
    auto settled = outbox.settle(claim, retry);
    REQUIRE(settled);
    CHECK(*settled);
    // A settle is one-shot: the claim is spent.
    auto again = outbox.settle(claim, retry);
    REQUIRE(again);
    CHECK_FALSE(*again);

    auto shown = stores.second->latest_for_job("job1");
    REQUIRE(shown);
    REQUIRE(*shown);
    CHECK((*shown)->id == "d1");
    CHECK((*shown)->state == "pending");
    CHECK((*shown)->attempt_count == 1);
    CHECK((*shown)->next_attempt_ms == 3000);
    REQUIRE((*shown)->attempts.size() == 1);
    CHECK((*shown)->attempts[0].status == 500);
    CHECK((*shown)->attempts[0].at_ms == 1500);
    CHECK((*shown)->body.empty());
    CHECK(report_of(**shown).url == "https://example.com/hook?…");

    auto not_yet = stores.second->claim(2999, 20'000, "w2");
    REQUIRE(not_yet);
    CHECK_FALSE(not_yet->claimed);
    CHECK(not_yet->next_due_ms == 3000);

    auto second_try = stores.second->claim(3000, 20'000, "w2");
    REQUIRE(second_try);
    REQUIRE(second_try->claimed);
    CHECK(second_try->claimed->record.attempt_count == 1);
    REQUIRE(second_try->claimed->record.attempts.size() == 1);
    delivery_record done = second_try->claimed->record;
    done.state = "delivered";
    done.attempt_count = 2;
    done.attempts.push_back(attempt_at(3000, 0, "no answer"));
    done.next_attempt_ms = 0;
    REQUIRE(*stores.second->settle(*second_try->claimed, done));

    auto finished = outbox.latest_for_job("job1");
    REQUIRE(finished);
    REQUIRE(*finished);
    CHECK((*finished)->state == "delivered");
    REQUIRE((*finished)->attempts.size() == 2);
    CHECK((*finished)->attempts[1].error == "no answer");
    CHECK((*finished)->attempts[1].ms == 12);

    // Only d2 is left, due at 5000.
    auto rest = outbox.claim(4000, 20'000, "w1");
    REQUIRE(rest);
    CHECK_FALSE(rest->claimed);
    CHECK(rest->next_due_ms == 5000);

    auto none = outbox.latest_for_job("job-without-webhook");
    REQUIRE(none);
    CHECK_FALSE(*none);
  }
}

TEST_CASE("a claim whose holder died runs out and another worker takes the attempt over", "[webhooks][outbox]") {
  for (outbox_kind kind : every_kind) {
    INFO(name_of(kind));
    auto stores = make_outboxes(kind);
    REQUIRE(stores.first->add(delivery("d1", "job1", 1000)));
    auto dead = stores.first->claim(1000, 2000, "dies");
    REQUIRE(dead);
    REQUIRE(dead->claimed);

    auto during_lease = stores.second->claim(1999, 12'000, "survivor");
    REQUIRE(during_lease);
    CHECK_FALSE(during_lease->claimed);
    CHECK(during_lease->next_due_ms == 2000);

    auto after_lease = stores.second->claim(2000, 12'000, "survivor");
    REQUIRE(after_lease);
    REQUIRE(after_lease->claimed);
    CHECK(after_lease->claimed->record.id == "d1");
    CHECK(after_lease->claimed->token != dead->claimed->token);

    // The first holder comes back late: its attempt is not recorded.
    delivery_record late = dead->claimed->record;
    late.state = "delivered";
    late.attempt_count = 1;
    auto refused = stores.first->settle(*dead->claimed, late);
    REQUIRE(refused);
    CHECK_FALSE(*refused);
    auto shown = stores.first->latest_for_job("job1");
    REQUIRE(shown);
    CHECK((*shown)->state == "pending");
    CHECK((*shown)->attempt_count == 0);
  }
}

TEST_CASE("SQLite: a pending delivery and the lease of an attempt cut short outlive the process's handle",
          "[webhooks][outbox][sqlite]") {
  test::temp_dir dir;
  const std::string path = dir.file("jobs-webhooks.sqlite");
  std::string dead_token;
  {
    auto outbox = sqlite_outbox::open(path, std::chrono::seconds(60));
    REQUIRE(outbox);
    REQUIRE((*outbox)->add(delivery("d1", "job1", 1000)));
    auto first = (*outbox)->claim(1000, 2000, "w1");
    REQUIRE(first);
    REQUIRE(first->claimed);
    delivery_record retry = first->claimed->record;
    retry.attempt_count = 1;
    retry.attempts = {attempt_at(1000, 503)};
    retry.next_attempt_ms = 3000;
    REQUIRE(*(*outbox)->settle(*first->claimed, retry));
    // The retry is taken; the process dies during it (lease until 9000).
    auto cut_short = (*outbox)->claim(3000, 9000, "w1");
    REQUIRE(cut_short);
    REQUIRE(cut_short->claimed);
    dead_token = cut_short->claimed->token;
  }
  auto reopened = sqlite_outbox::open(path, std::chrono::seconds(60));
  REQUIRE(reopened);
  webhook_outbox& outbox = **reopened;
  auto shown = outbox.latest_for_job("job1");
  REQUIRE(shown);
  REQUIRE(*shown);
  CHECK((*shown)->state == "pending");
  CHECK((*shown)->attempt_count == 1);
  auto during_lease = outbox.claim(8999, 20'000, "w1");
  REQUIRE(during_lease);
  CHECK_FALSE(during_lease->claimed);
  CHECK(during_lease->next_due_ms == 9000);
  auto taken_up = outbox.claim(9000, 20'000, "w1");
  REQUIRE(taken_up);
  REQUIRE(taken_up->claimed);
  const claimed_delivery& claim = *taken_up->claimed;
  CHECK(claim.token != dead_token);
  CHECK(claim.record.body == R"({"job_id":"job1"})");
  CHECK(claim.record.url == "https://example.com/hook?token=t");
  CHECK(claim.record.created_ms == 1000);
  CHECK(claim.record.deadline_ms == 1000 + 3'600'000);
  REQUIRE(claim.record.attempts.size() == 1);
  CHECK(claim.record.attempts[0].status == 503);
  // The claim of the dead process settles nothing.
  claimed_delivery dead{claim.record, dead_token};
  auto refused = outbox.settle(dead, claim.record);
  REQUIRE(refused);
  CHECK_FALSE(*refused);
}

TEST_CASE("SQLite: finished deliveries beyond the bound are forgotten, pending ones never",
          "[webhooks][outbox][sqlite]") {
  test::temp_dir dir;
  auto opened = sqlite_outbox::open(dir.file("jobs-webhooks.sqlite"), std::chrono::seconds(60), 2);
  REQUIRE(opened);
  webhook_outbox& outbox = **opened;
  REQUIRE(outbox.add(delivery("waiting", "job0", 100'000)));
  for (int n = 1; n <= 3; ++n) {
    const std::string job = "job" + std::to_string(n);
    REQUIRE(outbox.add(delivery("d" + std::to_string(n), job, n)));
    auto claimed = outbox.claim(n, 50'000, "w1");
    REQUIRE(claimed);
    REQUIRE(claimed->claimed);
    CHECK(claimed->claimed->record.job_id == job);
    delivery_record done = claimed->claimed->record;
    done.state = "delivered";
    done.attempt_count = 1;
    REQUIRE(*outbox.settle(*claimed->claimed, done));
  }
  CHECK_FALSE(*outbox.latest_for_job("job1"));
  CHECK((*outbox.latest_for_job("job2"))->state == "delivered");
  CHECK((*outbox.latest_for_job("job3"))->state == "delivered");
  CHECK((*outbox.latest_for_job("job0"))->state == "pending");
}

TEST_CASE("SQLite: an outbox file that is no database, or held by another process, is refused naming it",
          "[webhooks][outbox][sqlite]") {
  test::temp_dir dir;
  const std::string path = dir.file("jobs-webhooks.sqlite");
  {
    std::ofstream junk(path, std::ios::binary);
    junk << std::string(4096, 'x');
  }
  auto junk = sqlite_outbox::open(path, std::chrono::seconds(60));
  REQUIRE_FALSE(junk);
  CHECK(junk.error().message.rfind("the webhook outbox " + path + " (JOB_STORE_PATH) is not an SQLite database (", 0) ==
        0);
  CHECK(junk.error().message.find("move it aside to start with no pending webhooks") != std::string::npos);
  std::filesystem::remove(path);
  auto held = sqlite_outbox::open(path, std::chrono::seconds(60));
  REQUIRE(held);
  auto second = sqlite_outbox::open(path, std::chrono::seconds(60));
  REQUIRE_FALSE(second);
  CHECK(second.error().message.rfind("the webhook outbox " + path + " (JOB_STORE_PATH) is in use by another process", 0) ==
        0);
  CHECK(outbox_path_beside("/data/jobs.sqlite") == "/data/jobs-webhooks.sqlite");
  CHECK(outbox_path_beside("/data/store") == "/data/store-webhooks");
}

TEST_CASE("Redis: workers claiming at once never get the same attempt", "[webhooks][outbox][redis]") {
  test::redis_server server;
  auto endpoint = test::local_endpoint(server);
  redis_outbox setup(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
  const int deliveries = 200;
  for (int i = 0; i < deliveries; ++i)
    REQUIRE(setup.add(delivery("d" + std::to_string(i), "job" + std::to_string(i), 1000 + i)));

  std::mutex mutex;
  std::map<std::string, std::vector<std::string>> claimed_by;  // delivery id → workers
  std::vector<std::thread> workers;
  for (int w = 0; w < 4; ++w)
    workers.emplace_back([&, w] {
      redis_outbox outbox(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
      const std::string name = "w" + std::to_string(w);
      for (;;) {
        auto claim = outbox.claim(1'000'000, 2'000'000, name);
        if (!claim || !claim->claimed)
          return;
        delivery_record done = claim->claimed->record;
        done.state = "delivered";
        done.attempt_count = 1;
        auto settled = outbox.settle(*claim->claimed, done);
        std::lock_guard<std::mutex> guard(mutex);
        claimed_by[claim->claimed->record.id].push_back(name + (settled && *settled ? "" : " (lost)"));
      }
    });
  for (auto& worker : workers)
    worker.join();
  CHECK(claimed_by.size() == static_cast<size_t>(deliveries));
  for (const auto& [id, names] : claimed_by) {
    INFO(id);
    CHECK(names.size() == 1);
    CHECK(names[0].find("lost") == std::string::npos);
  }
  CHECK(server.cli({"ZCARD", "video-service:webhooks:due"}) == "0");
  CHECK(server.cli({"TTL", "video-service:webhook:d7"}) != "-1");
}

TEST_CASE("Redis: keys of the wrong type are answered, not raised", "[webhooks][outbox][redis]") {
  test::redis_server server;
  redis_outbox outbox(test::local_endpoint(server), std::chrono::seconds(60), std::chrono::seconds(60));
  server.cli({"SET", "video-service:webhooks:due", "oops"});
  auto added = outbox.add(delivery("d1", "job1", 1000));
  REQUIRE_FALSE(added);
  CHECK(added.error().message == "script webhook_add: unexpected answer video-service:webhooks:due is not a sorted set");
  auto claimed = outbox.claim(2000, 3000, "w");
  REQUIRE_FALSE(claimed);
  CHECK(claimed.error().message ==
        "script webhook_claim: unexpected answer video-service:webhooks:due is not a sorted set");
  CHECK(server.cli({"EXISTS", "video-service:webhook:d1"}) == "0");
}
