// Webhooks of `video-service serve` workers sharing a real Redis: pending
// deliveries live in Redis, so a killed worker's delivery is finished by
// another, any worker shows the delivery, and two workers never make the
// same attempt.

#include "tests/worker/worker_fixture.hpp"
#include "tests/webhooks/webhook_receiver.hpp"

#include "webhooks/webhook_signature.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>
#include <ctime>
#include <mutex>
#include <set>

using namespace vs::test;
using nlohmann::json;

namespace {

const std::string secret = "whsec_workers";

std::map<std::string, std::string> webhook_env(int port, std::map<std::string, std::string> extra = {}) {
  std::map<std::string, std::string> env{{"VIDEO_SERVICE_PORT", std::to_string(port)},
                                         {"WEBHOOK_SECRET", secret},
                                         {"WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"},
                                         {"WEBHOOK_TIMEOUT_SECONDS", "2"}};
  for (auto& [key, value] : extra)
    env[key] = value;
  return env;
}

std::string params_calling(const std::string& url) {
  return json{{"fps", 12}, {"resolution", "320x180"}, {"callback_url", url}}.dump();
}

/// The task's delivery hash in Redis, field by field.
std::string delivery_field(const pipeline_fixture& pipeline, const std::string& task, const std::string& field) {
  std::string id = pipeline.redis.cli({"GET", "video-service:webhook-job:" + task});
  return id.empty() ? "" : pipeline.redis.cli({"HGET", "video-service:webhook:" + id, field});
}

} // namespace

TEST_CASE("a Redis task's callback_url gets the signed webhook and every worker shows it", "[worker][webhooks]") {
  pipeline_fixture pipeline;
  webhook_receiver receiver;
  int port_a = free_port();
  int port_b = free_port();
  auto a = pipeline.start_worker("a", webhook_env(port_a));
  auto slides = pipeline.upstream("w", 1.0);
  pipeline.video_task("w", "w-voice", slides, params_calling(receiver.url("/task-done")));
  pipeline.push("w");
  REQUIRE(pipeline.status_becomes("w", "success"));
  REQUIRE(receiver.wait_for(1));
  auto hook = receiver.received()[0];
  json body = json::parse(hook.body);
  CHECK(body["job_id"] == "w");
  CHECK(body["source"] == "redis");
  CHECK(body["status"] == "success");
  CHECK(body["event"] == "job.succeeded");
  CHECK(hook.header("Video-Service-Event") == "job.succeeded");
  CHECK(vs::webhooks::verify_signature(secret, hook.header("Video-Service-Signature"), hook.body, std::time(nullptr)));

  // Worker b never ran the task: it reads the delivery from Redis.
  auto b = pipeline.start_worker("b", webhook_env(port_b));
  json shown;
  REQUIRE(pipeline.eventually([&] {
    shown = poll_json(port_b, "/jobs/w");
    return shown.is_object() && shown.contains("webhook") && shown["webhook"]["state"] == "delivered";
  }));
  CHECK(shown["webhook"]["url"] == receiver.url("/task-done"));
  CHECK(shown["webhook"]["delivery_id"] == hook.header("Video-Service-Delivery"));
  CHECK(shown["webhook"]["attempts"][0]["status"] == 200);

  // A callback_url the text rules out fails the task, naming the field.
  pipeline.video_task("bad", "w-voice", slides, params_calling("ftp://hooks.example.com/"));
  pipeline.push("bad");
  REQUIRE(pipeline.status_becomes("bad", "failed"));
  CHECK(pipeline.field("bad", "error") == "task bad params: callback_url must be an http:// or https:// URL");
  CHECK(receiver.received().size() == 1);
}

TEST_CASE("a Redis task that fails before it becomes a job still calls its callback_url", "[worker][webhooks]") {
  // Defect: a failed dependency, a dependency timeout or a bad params field
  // failed the task hash but sent no webhook; the pipeline waited for one.
  pipeline_fixture pipeline;
  webhook_receiver receiver;
  auto worker = pipeline.start_worker("a", webhook_env(free_port()));
  auto slides = pipeline.upstream("f", 1.0);
  pipeline.hset("f-voice", {{"status", "failed"}, {"error", "voice quota exhausted"}});
  pipeline.video_task("f", "f-voice", slides, params_calling(receiver.url("/dependency")));
  pipeline.push("f");
  REQUIRE(pipeline.status_becomes("f", "failed"));
  // A bad field beside a valid callback_url: the failure names the field.
  auto good_slides = pipeline.upstream("q", 1.0);
  pipeline.video_task("p", "q-voice", good_slides,
                      json{{"fps", 1000}, {"callback_url", receiver.url("/params")}}.dump());
  pipeline.push("p");
  REQUIRE(pipeline.status_becomes("p", "failed"));
  REQUIRE(receiver.wait_for(2));
  std::map<std::string, json> by_path;
  for (const auto& hook : receiver.received()) {
    CHECK(vs::webhooks::verify_signature(secret, hook.header("Video-Service-Signature"), hook.body, std::time(nullptr)));
    CHECK(hook.header("Video-Service-Event") == "job.failed");
    by_path[hook.path] = json::parse(hook.body);
  }
  const json& dependency = by_path["/dependency"];
  CHECK(dependency["job_id"] == "f");
  CHECK(dependency["source"] == "redis");
  CHECK(dependency["status"] == "failed");
  CHECK(dependency["event"] == "job.failed");
  CHECK(dependency["error"]["code"] == "dependency_failed");
  CHECK(dependency["error"]["message"] == pipeline.field("f", "error"));
  CHECK(dependency["error"]["message"].get<std::string>().find("voice quota exhausted") != std::string::npos);
  const json& params = by_path["/params"];
  CHECK(params["job_id"] == "p");
  CHECK(params["error"]["code"] == "invalid_argument");
  CHECK(params["error"]["field"] == "fps");
  CHECK(params["error"]["message"] == pipeline.field("p", "error"));
}

TEST_CASE("a worker killed with a delivery pending: another worker delivers it", "[worker][webhooks]") {
  pipeline_fixture pipeline;
  webhook_receiver receiver([](size_t index, const received_webhook&) { return index == 0 ? 500 : 200; });
  int port_a = free_port();
  int port_b = free_port();
  // The retry waits 3..6 s: time to kill the worker before it comes.
  auto a = pipeline.start_worker("a", webhook_env(port_a, {{"WEBHOOK_BACKOFF_SECONDS", "6"}}));
  auto slides = pipeline.upstream("k", 1.0);
  pipeline.video_task("k", "k-voice", slides, params_calling(receiver.url()));
  pipeline.push("k");
  REQUIRE(pipeline.status_becomes("k", "success"));
  // The first attempt is answered 500 and recorded: pending, due again later.
  REQUIRE(pipeline.eventually([&] { return delivery_field(pipeline, "k", "attempt_count") == "1"; }));
  CHECK(delivery_field(pipeline, "k", "state") == "pending");
  a->signal(SIGKILL);
  REQUIRE(a->wait(std::chrono::seconds(10)) == 128 + SIGKILL);
  REQUIRE(receiver.received().size() == 1);

  auto b = pipeline.start_worker("b", webhook_env(port_b));
  REQUIRE(receiver.wait_for(2, std::chrono::seconds(30)));
  auto received = receiver.received();
  CHECK(received[1].header("Video-Service-Delivery") == received[0].header("Video-Service-Delivery"));
  CHECK(received[1].header("Video-Service-Attempt") == "2");
  CHECK(received[1].body == received[0].body);
  json shown;
  REQUIRE(pipeline.eventually([&] {
    shown = poll_json(port_b, "/jobs/k");
    return shown.is_object() && shown.contains("webhook") && shown["webhook"]["state"] == "delivered";
  }));
  CHECK(shown["webhook"]["attempt_count"] == 2);
  CHECK(shown["webhook"]["attempts"][0]["status"] == 500);
  CHECK(shown["webhook"]["attempts"][1]["status"] == 200);
  CHECK(receiver.received().size() == 2);
}

TEST_CASE("two workers never make the same delivery attempt twice", "[worker][webhooks]") {
  pipeline_fixture pipeline;
  // Each delivery's first attempt is answered 500, its second 200.
  std::mutex mutex;
  std::map<std::string, int> attempts_seen;
  webhook_receiver receiver([&](size_t, const received_webhook& hook) {
    std::lock_guard<std::mutex> guard(mutex);
    return ++attempts_seen[hook.header("Video-Service-Delivery")] == 1 ? 500 : 200;
  });
  std::map<std::string, std::string> busy{{"WEBHOOK_BACKOFF_SECONDS", "0.2"}, {"WEBHOOK_CONCURRENCY", "4"}};
  auto a = pipeline.start_worker("a", webhook_env(free_port(), busy));
  auto b = pipeline.start_worker("b", webhook_env(free_port(), busy));
  const std::vector<std::string> tasks{"t0", "t1", "t2", "t3"};
  for (const auto& id : tasks) {
    auto slides = pipeline.upstream(id, 1.0, 1);
    pipeline.video_task(id, id + "-voice", slides, params_calling(receiver.url()));
    pipeline.push(id);
  }
  for (const auto& id : tasks)
    REQUIRE(pipeline.status_becomes(id, "success"));
  REQUIRE(receiver.wait_for(2 * tasks.size(), std::chrono::seconds(30)));
  // A duplicate would come within moments of the attempt it repeats.
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  std::map<std::string, std::vector<std::string>> attempts;  // delivery id → attempt numbers
  std::set<std::string> jobs;
  for (const auto& hook : receiver.received()) {
    attempts[hook.header("Video-Service-Delivery")].push_back(hook.header("Video-Service-Attempt"));
    jobs.insert(json::parse(hook.body)["job_id"].get<std::string>());
  }
  CHECK(jobs == std::set<std::string>(tasks.begin(), tasks.end()));
  CHECK(attempts.size() == tasks.size());
  for (const auto& [id, numbers] : attempts) {
    INFO(id);
    CHECK(numbers == std::vector<std::string>{"1", "2"});
  }
  CHECK(a->running());
  CHECK(b->running());
}
