#include "redis/queue_admin.hpp"
#include "redis/redis_client.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_queue.hpp"
#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::redis;
using vs::test::local_endpoint;
using vs::test::redis_server;

namespace {

void make_task(const redis_server& server, const std::string& id, const std::string& attempts = "0") {
  server.cli({"HSET", task_key(id), "id", id, "service", "video-service", "name", "CreateVideo", "status", "queued",
              "queue", "0", "attempts", attempts});
}

void push(const redis_server& server, const std::string& id) { server.cli({"LPUSH", "queue:video-service", id}); }

/// A worker takes `id` off the queue and claims it, as redis_intake does.
claim_result take(task_queue& queue, const std::string& id) {
  auto popped = queue.pop(std::chrono::milliseconds(100));
  REQUIRE(popped);
  REQUIRE(*popped == std::optional<std::string>(id));
  auto claimed = queue.claim(id);
  REQUIRE(claimed);
  return *claimed;
}

/// Puts `id` on the dead-letter queue the way a worker does: its claim is
/// rejected because the task's `attempts` is no integer.
void kill_task(const redis_server& server, task_queue& queue, const std::string& id, const std::string& attempts) {
  make_task(server, id, attempts);
  push(server, id);
  REQUIRE(take(queue, id).outcome == claim_result::kind::rejected);
}

} // namespace

TEST_CASE("queue depths count the task queue, every worker's list, the chunk queue and the dead letters",
          "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  REQUIRE(w1.heartbeat(std::chrono::seconds(10)));
  make_task(server, "running");
  push(server, "running");
  REQUIRE(take(w1, "running").claimed());
  kill_task(server, w1, "broken", "x");
  for (const char* id : {"a", "b", "c"}) {
    make_task(server, id);
    push(server, id);
  }
  server.cli({"LPUSH", chunk_queue_key(), "job:0", "job:1"});
  server.cli({"LPUSH", chunk_processing_key("w1"), "other:3"});

  redis_queue_admin admin(local_endpoint(server));
  auto depths = admin.depths();
  REQUIRE(depths);
  CHECK(depths->tasks_queued == 3);
  CHECK(depths->tasks_processing == 1);
  CHECK(depths->chunks_queued == 2);
  CHECK(depths->chunks_processing == 1);
  CHECK(depths->dead == 1);
}

TEST_CASE("workers show their lease, heartbeat and the tasks they hold with progress", "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  task_queue w2(client, "w2");
  REQUIRE(w1.heartbeat(std::chrono::seconds(10)));
  REQUIRE(w2.heartbeat(std::chrono::seconds(10)));
  for (const char* id : {"first", "second"}) {
    make_task(server, id);
    push(server, id);
  }
  auto first = take(w1, "first");
  REQUIRE(first.claimed());
  REQUIRE(take(w1, "second").claimed());
  REQUIRE(w1.progress("first", first.token, 40));
  server.cli({"LPUSH", chunk_processing_key("w1"), "long:2"});
  // w2's process died: its heartbeat expired, no reaper has run yet.
  server.cli({"DEL", heartbeat_key("w2")});

  redis_queue_admin admin(local_endpoint(server));
  auto workers = admin.workers();
  REQUIRE(workers);
  REQUIRE(workers->size() == 2);
  const auto& alive = workers->at(0);
  CHECK(alive.id == "w1");
  CHECK(alive.alive);
  CHECK(alive.lease_ms_left > 5000);
  CHECK(alive.lease_ms_left <= 10000);
  CHECK(alive.heartbeat_at.size() == std::string("2025-06-26T22:36:42.354215").size());
  REQUIRE(alive.tasks.size() == 2);
  CHECK(alive.tasks[0].id == "first");
  CHECK(alive.tasks[0].status == "processing");
  CHECK(alive.tasks[0].progress == Approx(0.4));
  CHECK(alive.tasks[1].id == "second");
  CHECK(alive.tasks[1].progress == 0);
  CHECK(alive.chunks == std::vector<std::string>{"long:2"});
  const auto& gone = workers->at(1);
  CHECK(gone.id == "w2");
  CHECK_FALSE(gone.alive);
  CHECK(gone.lease_ms_left == 0);
  CHECK(gone.heartbeat_at.empty());
  CHECK(gone.tasks.empty());
}

TEST_CASE("dead letters are listed newest first with their task's error", "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  kill_task(server, w1, "older", "x");
  kill_task(server, w1, "newer", "-");
  server.cli({"LPUSH", dead_queue_key(), "orphan"});

  redis_queue_admin admin(local_endpoint(server));
  auto page = admin.dead_letters(2);
  REQUIRE(page);
  CHECK(page->total == 3);
  REQUIRE(page->entries.size() == 2);
  CHECK(page->entries[0].id == "orphan");
  CHECK_FALSE(page->entries[0].has_task);
  CHECK(page->entries[0].error.empty());
  const auto& newer = page->entries[1];
  CHECK(newer.id == "newer");
  CHECK(newer.has_task);
  CHECK(newer.name == "CreateVideo");
  CHECK(newer.status == "failed");
  CHECK(newer.error == "task newer: attempts '-' is not an integer");
  CHECK(newer.attempts == "-");
  CHECK(!newer.updated_at.empty());
}

TEST_CASE("a requeued dead letter is queued again with attempts reset and can be claimed", "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  kill_task(server, w1, "revived", "x");
  REQUIRE(server.cli({"HGET", task_key("revived"), "status"}) == "failed");

  redis_queue_admin admin(local_endpoint(server));
  REQUIRE(admin.requeue_dead("revived"));
  CHECK(server.cli({"LLEN", dead_queue_key()}) == "0");
  CHECK(server.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "revived");
  CHECK(server.cli({"HGET", task_key("revived"), "status"}) == "queued");
  CHECK(server.cli({"HGET", task_key("revived"), "attempts"}) == "0");
  CHECK(server.cli({"HEXISTS", task_key("revived"), "error"}) == "0");
  CHECK(server.cli({"HEXISTS", task_key("revived"), "finished_at"}) == "0");

  auto claimed = take(w1, "revived");
  CHECK(claimed.claimed());
  CHECK(claimed.attempts == 1);
}

TEST_CASE("requeue pushes a dead letter already back on the queue only once", "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  kill_task(server, w1, "twice", "x");
  push(server, "twice");
  redis_queue_admin admin(local_endpoint(server));
  REQUIRE(admin.requeue_dead("twice"));
  CHECK(server.cli({"LLEN", "queue:video-service"}) == "1");
}

TEST_CASE("requeue refuses ids not on the dead-letter queue, tasks whose hash is gone and tasks being rendered",
          "[redis][admin]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue w1(client, "w1");
  redis_queue_admin admin(local_endpoint(server));
  make_task(server, "alive");

  auto absent = admin.requeue_dead("alive");
  REQUIRE_FALSE(absent);
  CHECK(absent.error().code == errc::not_found);
  CHECK(absent.error().message == "task alive is not on the dead-letter queue queue:video-service:dead");
  CHECK(server.cli({"LLEN", "queue:video-service"}) == "0");

  server.cli({"LPUSH", dead_queue_key(), "orphan"});
  auto gone = admin.requeue_dead("orphan");
  REQUIRE_FALSE(gone);
  CHECK(gone.error().code == errc::conflict);
  CHECK(gone.error().message == "task orphan cannot be requeued: there is no task:orphan");
  CHECK(server.cli({"LRANGE", dead_queue_key(), "0", "-1"}) == "orphan");

  push(server, "alive");
  REQUIRE(take(w1, "alive").claimed());
  server.cli({"LPUSH", dead_queue_key(), "alive"});
  auto busy = admin.requeue_dead("alive");
  REQUIRE_FALSE(busy);
  CHECK(busy.error().code == errc::conflict);
  CHECK(busy.error().message == "task alive cannot be requeued: worker w1 is rendering it now");
  CHECK(server.cli({"HGET", task_key("alive"), "status"}) == "processing");
  CHECK(server.cli({"LLEN", "queue:video-service"}) == "0");
}

TEST_CASE("a queue key of the wrong type is reported by name, not raised", "[redis][admin]") {
  redis_server server;
  server.cli({"SET", "queue:video-service", "oops"});
  server.cli({"SET", dead_queue_key(), "oops"});
  redis_queue_admin admin(local_endpoint(server));
  auto depths = admin.depths();
  REQUIRE_FALSE(depths);
  CHECK(depths.error().message == "script queue_overview refused: queue:video-service is a string, not a list");
  auto page = admin.dead_letters(10);
  REQUIRE_FALSE(page);
  CHECK(page.error().message == "script dead_letters refused: queue:video-service:dead is a string, not a list");
}
