// How the client classifies what goes wrong, against real redis-servers in
// the states that produce each reply: a transient one may be retried
// (errc::unavailable), any other error reply may not.
#include "redis/redis_client.hpp"
#include "tests/redis/local_endpoint.hpp"

#include <catch2/catch.hpp>

#include <thread>

using namespace vs;
using namespace vs::redis;
using vs::test::local_endpoint;
using vs::test::redis_server;

TEST_CASE("BUSY from a long script is transient and the connection survives it", "[redis][client][faults]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  REQUIRE(client.command({"SET", "k", "v"}));
  server.begin_busy();
  auto busy = client.command({"GET", "k"});
  REQUIRE_FALSE(busy);
  CHECK(busy.error().code == errc::unavailable);
  CHECK(busy.error().message.find("Redis GET: BUSY Redis is busy running a script") == 0);
  CHECK(is_transient(busy.error()));
  CHECK(client.connected());
  lua_script echo{"echo", "return ARGV[1]"};
  auto script = client.eval(echo, {}, {"x"});
  REQUIRE_FALSE(script);
  CHECK(script.error().code == errc::unavailable);
  server.end_busy();
  auto back = client.command({"GET", "k"});
  REQUIRE(back);
  CHECK(back->text == "v");
  auto echoed = client.eval(echo, {}, {"x"});
  REQUIRE(echoed);
  CHECK(echoed->text == "x");
}

TEST_CASE("READONLY from a replica is transient and makes the client reconnect", "[redis][client][faults]") {
  redis_server primary;
  redis_server replica;
  replica.cli({"REPLICAOF", "127.0.0.1", std::to_string(primary.port())});
  redis_client client(local_endpoint(replica));
  auto refused = client.command({"SET", "k", "v"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::unavailable);
  CHECK(refused.error().message.find("Redis SET: READONLY") == 0);
  CHECK_FALSE(client.connected());
  // Promoted (a failover): the next call connects afresh and writes.
  replica.cli({"REPLICAOF", "NO", "ONE"});
  REQUIRE(client.command({"SET", "k", "v"}));
}

TEST_CASE("MASTERDOWN from a replica cut off from its primary is transient", "[redis][client][faults]") {
  redis_server replica;
  replica.cli({"CONFIG", "SET", "replica-serve-stale-data", "no"});
  replica.cli({"REPLICAOF", "127.0.0.1", std::to_string(vs::test::free_port())});
  redis_client client(local_endpoint(replica));
  auto refused = client.command({"GET", "k"});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::unavailable);
  CHECK(refused.error().message.find("Redis GET: MASTERDOWN") == 0);
}

TEST_CASE("an error reply about the data is not transient", "[redis][client]") {
  redis_server server;
  redis_client client(local_endpoint(server));
  server.cli({"SET", "k", "x"});
  auto wrong = client.command({"HGET", "k", "f"});
  REQUIRE_FALSE(wrong);
  CHECK(wrong.error().code == errc::internal);
  CHECK(wrong.error().message == "Redis HGET: WRONGTYPE Operation against a key holding the wrong kind of value");
  CHECK(client.connected());
  auto raised = client.eval({"raises", "return redis.call('INCR', KEYS[1])"}, {"k"}, {});
  REQUIRE_FALSE(raised);
  CHECK(raised.error().code == errc::internal);
  CHECK(raised.error().message.find("script raises: Redis EVALSHA: ERR value is not an integer") == 0);
}

TEST_CASE("error replies Redis sends while loading, failing over or out of memory are transient", "[redis][client]") {
  // Replies that need a cluster, a data set of gigabytes or a full disk to
  // provoke; the texts are Redis 7's.
  for (const char* reply : {"LOADING Redis is loading the dataset in memory",
                            "TRYAGAIN Multiple keys request during rehashing of slot",
                            "CLUSTERDOWN The cluster is down",
                            "NOREPLICAS Not enough good replicas to write.",
                            "OOM command not allowed when used memory > 'maxmemory'.",
                            "MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist",
                            "ERR max number of clients reached"}) {
    INFO(reply);
    CHECK(is_transient_reply(reply));
  }
  for (const char* reply : {"WRONGTYPE Operation against a key holding the wrong kind of value",
                            "BUSYKEY Target key name already exists.", "NOPERM this user has no permissions",
                            "ERR value is not an integer or out of range", "NOSCRIPT No matching script."}) {
    INFO(reply);
    CHECK_FALSE(is_transient_reply(reply));
  }
}
