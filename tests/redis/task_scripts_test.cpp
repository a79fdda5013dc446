// The task scripts against hostile data in a real redis-server: keys of the
// wrong type, fields that are no integers, consumers that cannot be
// triggered. No script may raise half-way (Redis keeps what it wrote) or
// count anything before its checks pass.
#include "redis/redis_client.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_queue.hpp"
#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace vs;
using namespace vs::redis;
using vs::test::local_endpoint;
using vs::test::redis_server;

namespace {

/// A task ready to be claimed, already moved into w1's processing list.
void ready_task(const redis_server& server, const std::string& id) {
  server.cli({"HSET", task_key(id), "service", "video-service", "name", "CreateVideo", "status", "queued"});
  server.cli({"LPUSH", processing_key("w1"), id});
}

std::string field(const redis_server& server, const std::string& id, const std::string& name) {
  return server.cli({"HGET", task_key(id), name});
}

struct script_fixture {
  redis_server server;
  redis_client client{local_endpoint(server)};
  task_queue queue{client, "w1"};
};

} // namespace

TEST_CASE("claim rejects a key that is no hash and malformed counts without counting anything",
          "[redis][scripts][hostile]") {
  script_fixture f;
  f.server.cli({"SET", task_key("str"), "x"});
  f.server.cli({"LPUSH", processing_key("w1"), "str"});
  auto rejected = f.queue.claim("str");
  REQUIRE(rejected);
  CHECK(rejected->outcome == claim_result::kind::rejected);
  CHECK(rejected->reason == "task str: task:str is a string, not a hash");
  CHECK(f.server.cli({"GET", task_key("str")}) == "x");

  const std::vector<std::pair<std::string, std::string>> bad_attempts{
    {"abc", "'abc'"}, {"1.5", "'1.5'"}, {" 1", "' 1'"}, {"007", "'007'"}, {"+2", "'+2'"},
    {"99999999999999999999", "'99999999999999999999'"}};
  int n = 0;
  for (const auto& [value, shown] : bad_attempts) {
    std::string id = "a" + std::to_string(n++);
    ready_task(f.server, id);
    f.server.cli({"HSET", task_key(id), "attempts", value});
    auto claimed = f.queue.claim(id);
    REQUIRE(claimed);
    CHECK(claimed->outcome == claim_result::kind::rejected);
    CHECK(claimed->reason == "task " + id + ": attempts " + shown + " is not an integer");
    CHECK(field(f.server, id, "status") == "failed");
    CHECK(field(f.server, id, "error") == claimed->reason);
    CHECK(field(f.server, id, "attempts") == value);
    // Failed, so listed among the service's jobs (GET /jobs shows the error).
    CHECK_FALSE(f.server.cli({"ZSCORE", job_index_key(), id}).empty());
  }
  // A key that is no task hash is no job: not listed.
  CHECK(f.server.cli({"ZSCORE", job_index_key(), "str"}).empty());
  ready_task(f.server, "count");
  f.server.cli({"HSET", task_key("count"), "status", "pending", "queue", "none"});
  auto count = f.queue.claim("count");
  REQUIRE(count);
  CHECK(count->outcome == claim_result::kind::rejected);
  CHECK(count->reason == "task count: queue 'none' is not an integer");

  CHECK(f.server.cli({"EXISTS", fence_key()}) == "0");
  CHECK(f.server.cli({"LLEN", processing_key("w1")}) == "0");
  CHECK(f.server.cli({"LLEN", dead_queue_key()}) == "8");
  // Claiming again (a retry) does not list it twice.
  f.server.cli({"LPUSH", processing_key("w1"), "str"});
  REQUIRE(f.queue.claim("str"));
  CHECK(f.server.cli({"LLEN", dead_queue_key()}) == "8");

  // A well-formed task after all that gets the first token.
  ready_task(f.server, "good");
  f.server.cli({"HSET", task_key("good"), "attempts", "0"});
  auto good = f.queue.claim("good");
  REQUIRE(good);
  REQUIRE(good->claimed());
  CHECK(good->token == "1");
  CHECK(good->attempts == 1);
}

TEST_CASE("claim with resume picks up a claim of ours whose answer was lost", "[redis][scripts]") {
  script_fixture f;
  ready_task(f.server, "t");
  auto first = f.queue.claim("t");
  REQUIRE(first);
  REQUIRE(first->claimed());
  auto plain = f.queue.claim("t");
  REQUIRE(plain);
  CHECK(plain->outcome == claim_result::kind::skipped);
  CHECK(plain->reason == "its status is processing");
  f.server.cli({"LPUSH", processing_key("w1"), "t"});
  auto resumed = f.queue.claim("t", true);
  REQUIRE(resumed);
  REQUIRE(resumed->claimed());
  CHECK(resumed->token == first->token);
  CHECK(resumed->attempts == 1);
  CHECK(f.server.cli({"LRANGE", processing_key("w1"), "0", "-1"}) == "t");
  // Another worker's task is never resumed.
  task_queue other(f.client, "w2");
  f.server.cli({"LPUSH", processing_key("w2"), "t"});
  auto foreign = other.claim("t", true);
  REQUIRE(foreign);
  CHECK(foreign->outcome == claim_result::kind::skipped);
}

TEST_CASE("claim is blocked, not the task failed, when our own fence counter is broken", "[redis][scripts][hostile]") {
  script_fixture f;
  f.server.cli({"SET", fence_key(), "not-a-number"});
  ready_task(f.server, "t");
  auto blocked = f.queue.claim("t");
  REQUIRE(blocked);
  CHECK(blocked->outcome == claim_result::kind::blocked);
  CHECK(blocked->reason == "the fence counter video-service:fence is not an integer");
  CHECK(field(f.server, "t", "status") == "queued");
  CHECK(field(f.server, "t", "attempts") == "");
  CHECK(f.server.cli({"LRANGE", processing_key("w1"), "0", "-1"}) == "t");
}

TEST_CASE("complete triggers the good consumers and records the malformed ones", "[redis][scripts][hostile]") {
  script_fixture f;
  ready_task(f.server, "video");
  f.server.cli({"HSET", task_key("video"), "consumers", R"(["cA","cBad","cStr","cNoService","cGone",42,"cC"])"});
  f.server.cli({"HSET", task_key("cA"), "service", "upload-service", "queue", "1"});
  f.server.cli({"HSET", task_key("cBad"), "service", "upload-service", "queue", "notanumber"});
  f.server.cli({"SET", task_key("cStr"), "x"});
  f.server.cli({"HSET", task_key("cNoService"), "queue", "1"});
  f.server.cli({"HSET", task_key("cC"), "service", "publish-service", "queue", "2"});
  auto claimed = f.queue.claim("video");
  REQUIRE(claimed);

  auto done = f.queue.complete("video", claimed->token, "/out/video/video.mp4", 2.0, 99);
  REQUIRE(done);
  CHECK(done->outcome == write_result::kind::made);
  CHECK(done->consumers_queued == 1);
  const std::string problems = "cBad: queue 'notanumber' is not an integer; cStr: task:cStr is a string, not a hash; "
                               "cNoService: it has no service to queue it for; cGone: there is no task:cGone; "
                               "'42' is not a task id";
  CHECK(done->detail == problems);
  CHECK(field(f.server, "video", "consumer_errors") == problems);
  CHECK(field(f.server, "video", "status") == "success");
  CHECK(f.server.cli({"HGET", task_key("cA"), "queue"}) == "0");
  CHECK(f.server.cli({"LRANGE", "queue:upload-service", "0", "-1"}) == "cA");
  CHECK(f.server.cli({"HGET", task_key("cC"), "queue"}) == "1");
  CHECK(f.server.cli({"HGET", task_key("cBad"), "queue"}) == "notanumber");
  CHECK(f.server.cli({"HGET", task_key("cNoService"), "queue"}) == "1");
  CHECK(f.server.cli({"EXISTS", task_key("cGone")}) == "0");
  CHECK(f.server.cli({"LLEN", processing_key("w1")}) == "0");
}

TEST_CASE("complete with consumers that are no JSON list still records the success", "[redis][scripts][hostile]") {
  script_fixture f;
  const std::vector<std::pair<std::string, std::string>> cases{
    {"nope", "consumers is not a JSON list: 'nope'"},
    {R"({"a":1})", R"(consumers is not a JSON list: '{"a":1}')"},
    {"[]", ""},
  };
  int n = 0;
  for (const auto& [consumers, problem] : cases) {
    std::string id = "t" + std::to_string(n++);
    ready_task(f.server, id);
    f.server.cli({"HSET", task_key(id), "consumers", consumers});
    auto claimed = f.queue.claim(id);
    REQUIRE(claimed);
    auto done = f.queue.complete(id, claimed->token, "/v.mp4", 1.0, 1);
    REQUIRE(done);
    CHECK(done->outcome == write_result::kind::made);
    CHECK(done->detail == problem);
    CHECK(field(f.server, id, "status") == "success");
    CHECK(field(f.server, id, "consumer_errors") == problem);
  }
}

TEST_CASE("fenced writes on a task key replaced by a string answer lost instead of failing",
          "[redis][scripts][hostile]") {
  script_fixture f;
  ready_task(f.server, "t");
  auto claimed = f.queue.claim("t");
  REQUIRE(claimed);
  f.server.cli({"DEL", task_key("t")});
  f.server.cli({"SET", task_key("t"), "x"});
  auto progress = f.queue.progress("t", claimed->token, 10);
  REQUIRE(progress);
  CHECK_FALSE(*progress);
  for (auto write : {f.queue.complete("t", claimed->token, "/v.mp4", 1.0, 1), f.queue.fail("t", claimed->token, "x"),
                     f.queue.release("t", claimed->token)}) {
    REQUIRE(write);
    CHECK(write->outcome == write_result::kind::lease_lost);
  }
  CHECK(f.server.cli({"GET", task_key("t")}) == "x");
  CHECK(f.server.cli({"LLEN", processing_key("w1")}) == "0");
  CHECK(f.server.cli({"LLEN", "queue:video-service"}) == "0");
}

TEST_CASE("final writes repeated after a lost answer say already", "[redis][scripts]") {
  script_fixture f;
  ready_task(f.server, "failing");
  auto claimed = f.queue.claim("failing");
  REQUIRE(claimed);
  REQUIRE(f.queue.fail("failing", claimed->token, "broken image")->outcome == write_result::kind::made);
  CHECK(f.queue.fail("failing", claimed->token, "broken image")->outcome == write_result::kind::already_made);

  ready_task(f.server, "leaving");
  auto leaving = f.queue.claim("leaving");
  REQUIRE(leaving);
  REQUIRE(f.queue.release("leaving", leaving->token)->outcome == write_result::kind::made);
  CHECK(f.queue.release("leaving", leaving->token)->outcome == write_result::kind::already_made);
  CHECK(f.server.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "leaving");
}

TEST_CASE("release refuses, keeping the id, when the queue key is no list", "[redis][scripts][hostile]") {
  script_fixture f;
  ready_task(f.server, "t");
  auto claimed = f.queue.claim("t");
  REQUIRE(claimed);
  f.server.cli({"SET", "queue:video-service", "x"});
  auto refused = f.queue.release("t", claimed->token);
  REQUIRE(refused);
  CHECK(refused->outcome == write_result::kind::refused);
  CHECK(refused->detail == "queue:video-service is a string, not a list");
  CHECK(field(f.server, "t", "status") == "processing");
  CHECK(f.server.cli({"LRANGE", processing_key("w1"), "0", "-1"}) == "t");
}

TEST_CASE("the reaper and the own-list recovery deal with hostile entries", "[redis][scripts][reaper][hostile]") {
  script_fixture f;
  redis_client dead_client(local_endpoint(f.server));
  task_queue dead(dead_client, "dead");
  REQUIRE(dead.heartbeat(std::chrono::milliseconds(50)));
  f.server.cli({"SET", task_key("str"), "x"});
  f.server.cli({"HSET", task_key("mangled"), "service", "video-service", "status", "processing", "worker", "dead",
                "attempts", "abc"});
  f.server.cli({"HSET", task_key("fine"), "service", "video-service", "status", "processing", "worker", "dead",
                "attempts", "1"});
  f.server.cli({"RPUSH", processing_key("dead"), "str", "mangled", "fine", "gone"});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  auto reaped = f.queue.reap(3);
  REQUIRE(reaped);
  REQUIRE(reaped->size() == 4);
  CHECK((*reaped)[0].outcome == "dead");
  CHECK((*reaped)[1].outcome == "dead");
  CHECK((*reaped)[2].outcome == "requeued");
  CHECK((*reaped)[3].outcome == "dropped");
  CHECK(field(f.server, "mangled", "status") == "failed");
  CHECK(field(f.server, "mangled", "error") == "gave up: attempts 'abc' is not an integer");
  CHECK(f.server.cli({"LRANGE", dead_queue_key(), "0", "-1"}) == "mangled\nstr");
  CHECK(f.server.cli({"LRANGE", "queue:video-service", "0", "-1"}) == "fine");

  // What an earlier process with our worker id left behind goes back too.
  f.server.cli({"HSET", task_key("mine"), "service", "video-service", "status", "processing", "worker", "w1",
                "attempts", "1"});
  f.server.cli({"LPUSH", processing_key("w1"), "mine"});
  auto recovered = f.queue.recover(3);
  REQUIRE(recovered);
  REQUIRE(recovered->size() == 1);
  CHECK((*recovered)[0].outcome == "requeued");
  CHECK(field(f.server, "mine", "status") == "queued");
  CHECK(f.server.cli({"EXISTS", processing_key("w1")}) == "0");

  // Broken keys of our own: refused, nothing touched.
  f.server.cli({"SET", dead_queue_key(), "x"});
  auto refused = f.queue.reap(3);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "script reap refused: the queues are not lists");
}

TEST_CASE("an HTTP job's hash is not written over a key of another type", "[redis][scripts][hostile]") {
  script_fixture f;
  f.server.cli({"SET", task_key("web"), "x"});
  auto written = f.queue.mirror_http_job("web", 1000, {{"status", "success"}, {"source", "http"}}, std::chrono::seconds(60));
  REQUIRE(written);
  CHECK_FALSE(*written);
  CHECK(f.server.cli({"GET", task_key("web")}) == "x");
}

TEST_CASE("reading a task key that is no hash names its type", "[redis][scripts][hostile]") {
  script_fixture f;
  f.server.cli({"RPUSH", task_key("list"), "x"});
  auto read = read_task(f.client, "list");
  REQUIRE_FALSE(read);
  CHECK(read.error().code == errc::input_invalid);
  CHECK(read.error().message == "task:list is a list, not a hash");
}
