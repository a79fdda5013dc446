// The outbox contract, for both kinds: memory (standalone) and Redis (a
// real redis-server): add, claim with a lease, settle fenced by the claim,
// the job's latest delivery; and with Redis, many workers claiming at once.

#include "webhooks/memory_outbox.hpp"
#include "webhooks/redis_outbox.hpp"

#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

#include <atomic>
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

/// A test's outbox and a second handle on the same store (another worker).
struct outbox_pair {
  std::unique_ptr<test::redis_server> server;
  std::shared_ptr<webhook_outbox> first;
  std::shared_ptr<webhook_outbox> second;
};

outbox_pair make_outboxes(bool redis) {
  outbox_pair pair;
  if (!redis) {
    pair.first = std::make_shared<memory_outbox>();
    pair.second = pair.first;
    return pair;
  }
  pair.server = std::make_unique<test::redis_server>();
  auto endpoint = test::local_endpoint(*pair.server);
  pair.first = std::make_shared<redis_outbox>(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
  pair.second = std::make_shared<redis_outbox>(endpoint, std::chrono::seconds(60), std::chrono::seconds(60));
  return pair;
}

jobs::webhook_attempt attempt_at(int64_t at, int status, std::string error = {}) {
  return jobs::webhook_attempt{at, status, std::move(error), 12};
}

} // namespace

TEST_CASE("an outbox hands out due deliveries once, settles them and shows the job's latest", "[webhooks][outbox]") {
  for (bool redis : {false, true}) {
    INFO((redis ? "redis" : "memory"));
    auto stores = make_outboxes(redis);
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
  for (bool redis : {false, true}) {
    INFO((redis ? "redis" : "memory"));
    auto stores = make_outboxes(redis);
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
