#include "redis/redis_client.hpp"
#include "redis/task_keys.hpp"
#include "jobs/job_time.hpp"
#include "redis/task_queue.hpp"
#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

#include <cmath>

#include <thread>

using namespace vs;
using namespace vs::redis;
using vs::test::local_endpoint;
using vs::test::redis_server;

namespace {

void make_task(const redis_server& server, const std::string& id, const std::string& status = "queued",
               const std::string& service = "video-service") {
  server.cli({"HSET", task_key(id), "id", id, "service", service, "name", "CreateVideo", "status", status, "queue",
              "0", "extra_field", "kept"});
}

std::string field(const redis_server& server, const std::string& id, const std::string& name) {
  return server.cli({"HGET", task_key(id), name});
}

} // namespace

TEST_CASE("pop moves the oldest id into the worker's processing list and claim fences it", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "older");
  make_task(server, "newer");
  server.cli({"LPUSH", "queue:video-service", "older"});
  server.cli({"LPUSH", "queue:video-service", "newer"});

  auto popped = queue.pop(std::chrono::milliseconds(100));
  REQUIRE(popped);
  REQUIRE(*popped == std::optional<std::string>("older"));
  CHECK(server.cli({"LRANGE", processing_key("w1"), "0", "-1"}) == "older");

  auto claimed = queue.claim("older");
  REQUIRE(claimed);
  CHECK(claimed->claimed());
  CHECK(claimed->attempts == 1);
  CHECK(field(server, "older", "status") == "processing");
  CHECK(field(server, "older", "worker") == "w1");
  CHECK(field(server, "older", "fence") == claimed->token);
  CHECK(field(server, "older", "extra_field") == "kept");
  CHECK(!field(server, "older", "started_at").empty());
  // Listed for every worker's GET /jobs, at the time of its claim.
  const double listed_at = std::stod(server.cli({"ZSCORE", job_index_key(), "older"}));
  CHECK(std::abs(listed_at - static_cast<double>(vs::jobs::now_ms())) < 60'000);
  CHECK(server.cli({"ZSCORE", job_index_key(), "newer"}).empty());
}

TEST_CASE("an empty queue pops nothing after the block time", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  auto start = std::chrono::steady_clock::now();
  auto popped = queue.pop(std::chrono::milliseconds(200));
  REQUIRE(popped);
  CHECK(!popped->has_value());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(150));
}

TEST_CASE("a task pushed twice is claimed once", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "dup");
  server.cli({"LPUSH", "queue:video-service", "dup"});
  server.cli({"LPUSH", "queue:video-service", "dup"});
  REQUIRE(queue.pop(std::chrono::milliseconds(100)));
  auto first = queue.claim("dup");
  REQUIRE(queue.pop(std::chrono::milliseconds(100)));
  auto second = queue.claim("dup");
  REQUIRE(first);
  REQUIRE(second);
  CHECK(first->claimed());
  CHECK_FALSE(second->claimed());
  CHECK(second->reason == "its status is processing");
  CHECK(server.cli({"LLEN", processing_key("w1")}) == "1");
}

TEST_CASE("tasks that are not ready or not ours are skipped and dropped from the list", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "done", "success");
  make_task(server, "other", "queued", "image-service");
  make_task(server, "blocked", "pending");
  server.cli({"HSET", task_key("blocked"), "queue", "2"});
  make_task(server, "ready", "pending");
  const std::vector<std::pair<std::string, std::string>> expected_reasons{
    {"missing", "there is no task hash"},
    {"done", "its status is success"},
    {"other", "it belongs to image-service"},
    {"blocked", "its status is pending"},
  };
  for (const auto& [id, reason] : expected_reasons) {
    server.cli({"LPUSH", processing_key("w1"), id});
    auto claimed = queue.claim(id);
    REQUIRE(claimed);
    CHECK_FALSE(claimed->claimed());
    CHECK(claimed->reason == reason);
  }
  CHECK(server.cli({"LLEN", processing_key("w1")}) == "0");
  // pending with queue 0 counts as ready (PROTOCOL.md).
  auto ready = queue.claim("ready");
  REQUIRE(ready);
  CHECK(ready->claimed());
}

TEST_CASE("complete marks success, triggers consumers and refuses a stale token", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "video");
  server.cli({"HSET", task_key("video"), "consumers", R"(["upload","ghost"])"});
  server.cli({"HSET", task_key("upload"), "service", "upload-service", "status", "pending", "queue", "1"});
  server.cli({"LPUSH", processing_key("w1"), "video"});
  auto claimed = queue.claim("video");
  REQUIRE(claimed);

  auto stale = queue.complete("video", "not-the-token", "/x.mp4", 1.0, 10);
  REQUIRE(stale);
  CHECK(stale->outcome == write_result::kind::lease_lost);
  CHECK(field(server, "video", "status") == "processing");
  CHECK(server.cli({"HGET", task_key("upload"), "queue"}) == "1");

  auto done = queue.complete("video", claimed->token, "/out/video/video.mp4", 12.5, 4321);
  REQUIRE(done);
  CHECK(done->outcome == write_result::kind::made);
  CHECK(done->consumers_queued == 1);
  CHECK(done->detail == "ghost: there is no task:ghost");
  CHECK(field(server, "video", "consumer_errors") == "ghost: there is no task:ghost");
  CHECK(field(server, "video", "status") == "success");
  CHECK(field(server, "video", "result_ref") == "/out/video/video.mp4");
  CHECK(field(server, "video", "progress") == "100");
  CHECK(field(server, "video", "duration") == "12.500");
  CHECK(field(server, "video", "file_size") == "4321");
  CHECK(server.cli({"HGET", task_key("upload"), "queue"}) == "0");
  CHECK(server.cli({"LRANGE", "queue:upload-service", "0", "-1"}) == "upload");
  // A consumer without a hash is not created.
  CHECK(server.cli({"EXISTS", task_key("ghost")}) == "0");
  CHECK(server.cli({"LLEN", processing_key("w1")}) == "0");

  // Completing again (a retry whose first answer was lost) changes nothing.
  auto again = queue.complete("video", claimed->token, "/elsewhere.mp4", 1.0, 1);
  REQUIRE(again);
  CHECK(again->outcome == write_result::kind::already_made);
  CHECK(server.cli({"LLEN", "queue:upload-service"}) == "1");
  CHECK(field(server, "video", "result_ref") == "/out/video/video.mp4");
}

TEST_CASE("fail records the cause and progress is fenced", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "t");
  auto claimed = queue.claim("t");
  REQUIRE(claimed);
  auto moved = queue.progress("t", claimed->token, 42);
  REQUIRE(moved);
  CHECK(*moved);
  CHECK(field(server, "t", "progress") == "42");
  auto refused = queue.progress("t", "0", 50);
  REQUIRE(refused);
  CHECK_FALSE(*refused);
  auto failed = queue.fail("t", claimed->token, "image /x.png is corrupt");
  REQUIRE(failed);
  CHECK(failed->outcome == write_result::kind::made);
  CHECK(field(server, "t", "status") == "failed");
  CHECK(field(server, "t", "error") == "image /x.png is corrupt");
}

TEST_CASE("release puts the task back at the consuming end of the queue", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "t");
  server.cli({"LPUSH", "queue:video-service", "t"});
  server.cli({"LPUSH", "queue:video-service", "later"});
  REQUIRE(queue.pop(std::chrono::milliseconds(100)));
  auto claimed = queue.claim("t");
  REQUIRE(claimed);
  auto released = queue.release("t", claimed->token);
  REQUIRE(released);
  CHECK(released->outcome == write_result::kind::made);
  CHECK(field(server, "t", "status") == "queued");
  CHECK(field(server, "t", "attempts") == "0");
  CHECK(server.cli({"RPOP", "queue:video-service"}) == "t");
  CHECK(server.cli({"LLEN", processing_key("w1")}) == "0");
}

TEST_CASE("the reaper requeues a dead worker's tasks and gives up after max attempts", "[redis][queue][reaper]") {
  redis_server server;
  redis_client dead_client(local_endpoint(server));
  redis_client live_client(local_endpoint(server));
  task_queue dead(dead_client, "dead");
  task_queue live(live_client, "live");
  make_task(server, "t");
  make_task(server, "unclaimed");
  REQUIRE(live.heartbeat(std::chrono::milliseconds(10'000)));

  for (int attempt = 1; attempt <= 3; ++attempt) {
    INFO("attempt " << attempt);
    // Long enough for the redis-cli processes below on a loaded machine.
    REQUIRE(dead.heartbeat(std::chrono::milliseconds(2000)));
    server.cli({"LPUSH", processing_key("dead"), "t"});
    auto claimed = dead.claim("t");
    REQUIRE(claimed);
    REQUIRE(claimed->claimed());
    if (attempt == 1)
      server.cli({"LPUSH", processing_key("dead"), "unclaimed"});
    // Alive: nothing is reaped.
    auto early = live.reap(3);
    REQUIRE(early);
    CHECK(early->empty());
    std::this_thread::sleep_for(std::chrono::milliseconds(2100));
    auto reaped = live.reap(3);
    REQUIRE(reaped);
    REQUIRE(!reaped->empty());
    CHECK(server.cli({"SISMEMBER", workers_key(), "dead"}) == "0");
    CHECK(server.cli({"SISMEMBER", workers_key(), "live"}) == "1");
    if (attempt < 3) {
      CHECK(field(server, "t", "status") == "queued");
      CHECK(server.cli({"LRANGE", "queue:video-service", "0", "-1"}).find('t') != std::string::npos);
      server.cli({"LREM", "queue:video-service", "0", "t"});
    } else {
      CHECK(field(server, "t", "status") == "failed");
      CHECK(field(server, "t", "error").find("gave up after 3 attempts") == 0);
      CHECK(server.cli({"LRANGE", "queue:video-service:dead", "0", "-1"}) == "t");
    }
  }
  CHECK(server.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "unclaimed");
}

TEST_CASE("the client reconnects after Redis restarts", "[redis][client]") {
  redis_server server(true);
  redis_client client(local_endpoint(server));
  REQUIRE(client.command({"SET", "k", "v"}));
  server.stop();
  auto down = client.command({"GET", "k"});
  REQUIRE_FALSE(down);
  CHECK(down.error().code == errc::unavailable);
  CHECK(down.error().message.find("127.0.0.1:" + std::to_string(server.port())) != std::string::npos);
  server.start();
  expected<redis_value> back = make_error(errc::unavailable, "not tried");
  for (int i = 0; i < 50 && !back; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    back = client.command({"GET", "k"});
  }
  REQUIRE(back);
  CHECK(back->text == "v");
}

TEST_CASE("scripts load again after Redis forgot them", "[redis][client]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "a");
  REQUIRE(queue.claim("a"));
  server.cli({"SCRIPT", "FLUSH"});
  make_task(server, "b");
  auto claimed = queue.claim("b");
  REQUIRE(claimed);
  CHECK(claimed->claimed());
}

TEST_CASE("an HTTP job's hash never overwrites a task of the pipeline", "[redis][queue]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "shared");
  auto refused = queue.mirror_http_job("shared", 1000, {{"status", "success"}, {"source", "http"}}, std::chrono::seconds(60));
  REQUIRE(refused);
  CHECK_FALSE(*refused);
  CHECK(field(server, "shared", "status") == "queued");

  auto written = queue.mirror_http_job("web1", 1000, {{"status", "processing"}, {"source", "http"}}, std::chrono::seconds(60));
  REQUIRE(written);
  CHECK(*written);
  auto updated = queue.mirror_http_job("web1", 2000, {{"status", "success"}, {"source", "http"}}, std::chrono::seconds(60));
  REQUIRE(updated);
  CHECK(*updated);
  CHECK(field(server, "web1", "status") == "success");
  CHECK(std::stoi(server.cli({"TTL", task_key("web1")})) > 50);
  // Listed for every worker's GET /jobs once, at its creation time; the
  // pipeline's task was not mirrored and is not listed by this.
  CHECK(server.cli({"ZSCORE", job_index_key(), "web1"}) == "1000");
  CHECK(server.cli({"ZSCORE", job_index_key(), "shared"}).empty());
}

TEST_CASE("a password authenticates and a wrong one is reported as unavailable", "[redis][client]") {
  redis_server server;
  server.cli({"CONFIG", "SET", "requirepass", "s3cret"});
  auto endpoint = local_endpoint(server);
  endpoint.password = "s3cret";
  redis_client good(endpoint);
  auto ping = good.command({"PING"});
  REQUIRE(ping);
  CHECK(ping->text == "PONG");
  endpoint.password = "wrong";
  redis_client bad(endpoint);
  auto refused = bad.command({"PING"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::unavailable);
  CHECK(refused.error().message.find("WRONGPASS") != std::string::npos);
  CHECK_FALSE(bad.connected());
}

TEST_CASE("complete records captions_ref when the video has captions and clears a stale one", "[redis][queue][captions]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  task_queue queue(client, "w1");
  make_task(server, "with");
  server.cli({"LPUSH", processing_key("w1"), "with"});
  auto claimed = queue.claim("with");
  REQUIRE(claimed);
  auto done = queue.complete("with", claimed->token, "/out/video/with.mp4", 2.0, 10, "", "/out/video/with.srt");
  REQUIRE(done);
  CHECK(done->outcome == write_result::kind::made);
  CHECK(field(server, "with", "captions_ref") == "/out/video/with.srt");

  // A task rendered again without captions (its params changed) loses the old ref.
  make_task(server, "without");
  server.cli({"HSET", task_key("without"), "captions_ref", "/old.srt"});
  server.cli({"LPUSH", processing_key("w1"), "without"});
  auto second = queue.claim("without");
  REQUIRE(second);
  REQUIRE(queue.complete("without", second->token, "/out/video/without.mp4", 2.0, 10));
  CHECK(server.cli({"HEXISTS", task_key("without"), "captions_ref"}) == "0");
}
