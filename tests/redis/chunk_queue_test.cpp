// Chunks of long jobs on their own reliable queue, in a real redis-server:
// plan and adoption, fencing of stale workers, the reaper, attempts,
// release and cancellation.
#include "redis/chunk_queue.hpp"
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

const std::vector<media::frame_range> three_chunks{{0, 10}, {10, 20}, {20, 25}};
constexpr std::chrono::seconds day{86400};

struct worker {
  worker(const redis_server& server, const std::string& id) : client(local_endpoint(server)), tasks(client, id), chunks(client, id) {}
  redis_client client;
  task_queue tasks;
  chunk_queue chunks;

  /// Pops and claims the next chunk; fails the test if there is none.
  chunk_claim take() {
    auto id = chunks.pop(std::chrono::milliseconds(0));
    REQUIRE(id);
    REQUIRE(id->has_value());
    auto claim = chunks.claim(**id);
    REQUIRE(claim);
    return *claim;
  }
};

std::string chunk_field(const redis_server& server, const std::string& id, const std::string& name) {
  return server.cli({"HGET", chunk_key(id), name});
}

std::vector<std::string> statuses(const std::vector<chunk_state>& states) {
  std::vector<std::string> out;
  for (const auto& state : states)
    out.push_back(state.status);
  return out;
}

} // namespace

TEST_CASE("chunk ids name their job and number", "[redis][chunks]") {
  CHECK(parse_chunk_id("4841187f:3") == std::make_pair(std::string("4841187f"), 3));
  CHECK(parse_chunk_id("a:b:12") == std::make_pair(std::string("a:b"), 12));
  CHECK_FALSE(parse_chunk_id("4841187f"));
  CHECK_FALSE(parse_chunk_id(":3"));
  CHECK_FALSE(parse_chunk_id("j:"));
  CHECK_FALSE(parse_chunk_id("j:x1"));
}

TEST_CASE("a plan queues its chunks in order and workers render them under their own fence", "[redis][chunks]") {
  redis_server server;
  worker owner(server, "owner");
  worker w2(server, "w2");
  auto planned = owner.chunks.plan("job", "t1", "{\"fps\":12}", "2.5", three_chunks, day);
  INFO((planned ? std::string() : planned.error().message));
  REQUIRE(planned);
  REQUIRE(planned->has_value());
  CHECK(statuses(**planned) == std::vector<std::string>{"queued", "queued", "queued"});
  CHECK(server.cli({"LRANGE", chunk_queue_key(), "0", "-1"}) == "job:2\njob:1\njob:0");

  auto first = w2.take();
  REQUIRE(first.claimed);
  CHECK(first.job == "job");
  CHECK(first.index == 0);
  CHECK(first.range == media::frame_range{0, 10});
  CHECK(first.spec == "{\"fps\":12}");
  CHECK(first.audio_seconds == "2.5");
  CHECK(first.attempts == 1);
  CHECK(server.cli({"LRANGE", chunk_processing_key("w2"), "0", "-1"}) == "job:0");
  CHECK(chunk_field(server, "job:0", "status") == "processing");
  CHECK(chunk_field(server, "job:0", "worker") == "w2");

  REQUIRE(w2.chunks.progress("job:0", first.token, 4).value());
  auto states = owner.chunks.states("job");
  REQUIRE(states);
  REQUIRE(states->has_value());
  CHECK((**states)[0].frames == 4);

  auto done = w2.chunks.complete("job:0", first.token, "/out/job.0.mp4", 1234);
  REQUIRE(done);
  CHECK(done->outcome == write_result::kind::made);
  // A retry after a lost answer is "already", and a wrong token is refused.
  CHECK(w2.chunks.complete("job:0", first.token, "/out/job.0.mp4", 1234)->outcome ==
        write_result::kind::already_made);
  CHECK(w2.chunks.complete("job:0", "999", "/out/other.mp4", 1)->outcome == write_result::kind::lease_lost);
  CHECK(server.cli({"LLEN", chunk_processing_key("w2")}) == "0");
  states = owner.chunks.states("job");
  CHECK(statuses(**states) == std::vector<std::string>{"done", "queued", "queued"});
  CHECK((**states)[0].frames == 10);
  CHECK((**states)[0].result_ref == "/out/job.0.mp4");

  auto second = w2.take();
  auto failed = w2.chunks.fail("job:1", second.token, "image /x.png is corrupt");
  REQUIRE(failed);
  CHECK(failed->outcome == write_result::kind::made);
  states = owner.chunks.states("job");
  CHECK((**states)[1].failed());
  CHECK((**states)[1].error == "image /x.png is corrupt");
}

TEST_CASE("a worker that claims the job again adopts the plan and keeps the chunks done", "[redis][chunks]") {
  redis_server server;
  worker old_owner(server, "a");
  worker new_owner(server, "b");
  server.cli({"HSET", task_key("job"), "status", "processing", "fence", "5"});
  REQUIRE(old_owner.chunks.plan("job", "5", "spec", "2.5", three_chunks, day)->has_value());
  auto chunk = new_owner.take();
  REQUIRE(new_owner.chunks.complete("job:0", chunk.token, "/out/0.mp4", 10)->landed());

  // The job was claimed again (fence 9): the old owner's token no longer
  // holds it, and a token that is not the task's fence cannot take it over.
  server.cli({"HSET", task_key("job"), "fence", "9"});
  CHECK_FALSE(new_owner.chunks.plan("job", "8", "spec", "2.5", three_chunks, day)->has_value());
  auto adopted = new_owner.chunks.plan("job", "9", "spec", "2.5", three_chunks, day);
  REQUIRE(adopted->has_value());
  CHECK(statuses(**adopted) == std::vector<std::string>{"done", "queued", "queued"});
  CHECK((**adopted)[0].result_ref == "/out/0.mp4");
  // Nothing queued twice.
  CHECK(server.cli({"LRANGE", chunk_queue_key(), "0", "-1"}) == "job:2\njob:1");
  // The old owner can no longer cancel what the new one relies on.
  CHECK_FALSE(old_owner.chunks.cancel("job", "5").value());
  CHECK(server.cli({"EXISTS", chunk_key("job:0")}) == "1");

  // Another spec (the task changed): the plan is made afresh.
  auto replanned = new_owner.chunks.plan("job", "9", "other spec", "2.5", {{0, 12}, {12, 25}}, day);
  REQUIRE(replanned->has_value());
  CHECK(statuses(**replanned) == std::vector<std::string>{"queued", "queued"});
  CHECK(server.cli({"LRANGE", chunk_queue_key(), "0", "-1"}) == "job:1\njob:0");
  CHECK(server.cli({"EXISTS", chunk_key("job:2")}) == "0");
}

TEST_CASE("a stale chunk worker cannot overwrite the result of the one that took its chunk over",
          "[redis][chunks][reaper]") {
  redis_server server;
  worker owner(server, "owner");
  worker stale(server, "stale");
  worker fresh(server, "fresh");
  REQUIRE(owner.chunks.plan("job", "t", "spec", "", three_chunks, day)->has_value());
  auto old_claim = stale.take();
  REQUIRE(old_claim.claimed);
  // The stale worker is registered but its heartbeat expired.
  server.cli({"SADD", workers_key(), "stale"});
  REQUIRE(owner.tasks.heartbeat(std::chrono::milliseconds(10'000)));
  auto reaped = owner.tasks.reap(3);
  REQUIRE(reaped);
  REQUIRE(reaped->size() == 1);
  CHECK((*reaped)[0].id == "job:0");
  CHECK((*reaped)[0].outcome == "requeued");
  CHECK(chunk_field(server, "job:0", "status") == "queued");

  // Requeued at the consuming end: taken next.
  auto new_claim = fresh.take();
  REQUIRE(new_claim.claimed);
  CHECK(new_claim.index == 0);
  CHECK(new_claim.attempts == 2);
  CHECK_FALSE(stale.chunks.progress("job:0", old_claim.token, 3).value());
  CHECK(stale.chunks.complete("job:0", old_claim.token, "/out/stale.mp4", 1)->outcome ==
        write_result::kind::lease_lost);
  CHECK(fresh.chunks.complete("job:0", new_claim.token, "/out/fresh.mp4", 1)->outcome == write_result::kind::made);
  CHECK(stale.chunks.fail("job:0", old_claim.token, "late")->outcome == write_result::kind::lease_lost);
  CHECK(chunk_field(server, "job:0", "result_ref") == "/out/fresh.mp4");
  CHECK(chunk_field(server, "job:0", "status") == "done");
}

TEST_CASE("a chunk that kills its workers fails after max attempts with a cause", "[redis][chunks][reaper]") {
  redis_server server;
  worker owner(server, "owner");
  REQUIRE(owner.chunks.plan("job", "t", "spec", "", three_chunks, day)->has_value());
  REQUIRE(owner.tasks.heartbeat(std::chrono::milliseconds(10'000)));
  for (int attempt = 1; attempt <= 2; ++attempt) {
    INFO("attempt " << attempt);
    worker doomed(server, "doomed" + std::to_string(attempt));
    auto claim = doomed.take();
    CHECK(claim.index == 0);
    server.cli({"SADD", workers_key(), "doomed" + std::to_string(attempt)});
    auto reaped = owner.tasks.reap(2);
    REQUIRE(reaped);
    REQUIRE(reaped->size() == 1);
    CHECK((*reaped)[0].outcome == (attempt == 1 ? "requeued" : "dead"));
  }
  auto states = owner.chunks.states("job");
  CHECK((**states)[0].status == "failed");
  CHECK((**states)[0].error ==
        "chunk job:0 gave up after 2 attempts: each worker that claimed it stopped (killed or lost) before finishing");
  CHECK(server.cli({"LRANGE", chunk_queue_key(), "0", "-1"}) == "job:2\njob:1");
}

TEST_CASE("a restarted worker recovers its own chunks and release hands one back without an attempt",
          "[redis][chunks][reaper]") {
  redis_server server;
  worker owner(server, "owner");
  REQUIRE(owner.chunks.plan("job", "t", "spec", "", three_chunks, day)->has_value());
  {
    worker before(server, "same");
    REQUIRE(before.take().claimed);
    REQUIRE(before.chunks.pop(std::chrono::milliseconds(0))->has_value());  // popped, never claimed
  }
  worker after(server, "same");
  auto recovered = after.tasks.recover(3);
  REQUIRE(recovered);
  CHECK(recovered->size() == 2);
  CHECK(server.cli({"LLEN", chunk_processing_key("same")}) == "0");
  CHECK(server.cli({"LLEN", chunk_queue_key()}) == "3");

  auto claim = after.take();
  CHECK(claim.attempts == 2);
  auto released = after.chunks.release(chunk_id("job", claim.index), claim.token);
  REQUIRE(released);
  CHECK(released->outcome == write_result::kind::made);
  CHECK(chunk_field(server, chunk_id("job", claim.index), "attempts") == "1");
  CHECK(chunk_field(server, chunk_id("job", claim.index), "status") == "queued");
  CHECK(server.cli({"LLEN", chunk_processing_key("same")}) == "0");
}

TEST_CASE("cancelling a plan removes every chunk and stops the workers rendering them", "[redis][chunks]") {
  redis_server server;
  worker owner(server, "owner");
  worker w(server, "w");
  REQUIRE(owner.chunks.plan("job", "t", "spec", "", three_chunks, day)->has_value());
  auto claim = w.take();
  REQUIRE(claim.claimed);
  REQUIRE(w.chunks.pop(std::chrono::milliseconds(0))->has_value());  // job:1 popped, not yet claimed

  CHECK_FALSE(owner.chunks.cancel("job", "someone else").value());
  CHECK(server.cli({"LLEN", chunk_queue_key()}) == "1");
  REQUIRE(owner.chunks.cancel("job", "t").value());
  CHECK(server.cli({"LLEN", chunk_queue_key()}) == "0");
  CHECK(server.cli({"KEYS", "video-service:chunk*"}) == "video-service:chunk-processing:w");
  CHECK_FALSE(owner.chunks.states("job")->has_value());
  // Cancelling again is harmless.
  CHECK(owner.chunks.cancel("job", "t").value());

  CHECK_FALSE(w.chunks.progress("job:0", claim.token, 5).value());
  CHECK(w.chunks.complete("job:0", claim.token, "/out/0.mp4", 1)->outcome == write_result::kind::lease_lost);
  auto late = w.chunks.claim("job:1");
  REQUIRE(late);
  CHECK_FALSE(late->claimed);
  CHECK(late->reason == "there is no chunk hash (its job finished or was cancelled)");
  CHECK(server.cli({"LLEN", chunk_processing_key("w")}) == "0");
}
