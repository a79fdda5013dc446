// Webhooks of real jobs to real receivers: the job system renders, the
// dispatcher posts to an httplib server on 127.0.0.1 (allowed in the test
// settings), GET /jobs/{id} shows the delivery.

#include "tests/webhooks/webhook_fixture.hpp"

#include "webhooks/webhook_signature.hpp"

#include <catch2/catch.hpp>

#include <ctime>
#include <set>

using namespace vs;
using namespace vs::test;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

const std::string rule_hint =
  "; webhooks go only to public addresses unless WEBHOOK_ALLOWED_HOSTS names the host";

int64_t unix_now() { return static_cast<int64_t>(std::time(nullptr)); }

/// The received body less what the webhook adds must be the job's snapshot.
void check_body_is_snapshot(const received_webhook& hook, json job, const std::string& event) {
  json body = json::parse(hook.body);
  CHECK(body["event"] == event);
  CHECK(body["delivery_id"] == hook.header("Video-Service-Delivery"));
  body.erase("event");
  body.erase("delivery_id");
  job.erase("webhook");
  CHECK(body == job);
}

void check_signed(const received_webhook& hook) {
  const std::string signature = hook.header("Video-Service-Signature");
  INFO(signature);
  REQUIRE(signature.rfind("t=", 0) == 0);
  int64_t t = std::stoll(signature.substr(2, signature.find(',') - 2));
  CHECK(std::llabs(unix_now() - t) <= 5);
  CHECK(webhooks::verify_signature(test_secret, signature, hook.body, unix_now()));
  auto forged = webhooks::verify_signature("another-secret", signature, hook.body, unix_now());
  REQUIRE_FALSE(forged);
  CHECK(forged.error().message == "the signature does not match the body");
}

/// A job of 30 s at 640x360, "medium": still running when the test acts.
json slow_job(webhook_fixture& fixture, const std::string& callback_url) {
  write_test_audio(fixture.media("long.mp3"), 30.0);
  write_test_png(fixture.media("c.png"), 640, 480, 3, 2);
  return {{"audio_path", fixture.media("long.mp3")}, {"image_paths", {fixture.media("c.png")}},
          {"resolution", "640x360"}, {"preset", "medium"}, {"callback_url", callback_url}};
}

} // namespace

TEST_CASE("a succeeded job is posted once, signed, with the snapshot GET /jobs/{id} gives", "[webhooks][delivery]") {
  webhook_receiver receiver;
  webhook_fixture fixture;
  std::string id = fixture.submit(fixture.quick_job(receiver.url("/done?ref=7")));

  json job = fixture.webhook_becomes(id, "delivered");
  INFO(job.dump());
  REQUIRE(receiver.wait_for(1));
  auto received = receiver.received();
  REQUIRE(received.size() == 1);
  const auto& hook = received[0];
  CHECK(hook.path == "/done");
  CHECK(hook.header("Content-Type") == "application/json");
  CHECK(hook.header("Video-Service-Event") == "job.succeeded");
  CHECK(hook.header("Video-Service-Attempt") == "1");
  CHECK(hook.header("User-Agent") == "video-service/" VS_VERSION " (webhooks)");
  CHECK(hook.header("Host") == "127.0.0.1:" + std::to_string(receiver.port()));
  check_signed(hook);
  check_body_is_snapshot(hook, job, "job.succeeded");
  CHECK(json::parse(hook.body)["status"] == "success");
  CHECK(json::parse(hook.body)["result"]["video_url"] == "/jobs/" + id + "/video");

  const json& webhook = job["webhook"];
  CHECK(webhook["url"] == receiver.url("/done?…"));
  CHECK(webhook["event"] == "job.succeeded");
  CHECK(webhook["delivery_id"] == hook.header("Video-Service-Delivery"));
  CHECK(webhook["state"] == "delivered");
  CHECK(webhook["attempt_count"] == 1);
  REQUIRE(webhook["attempts"].size() == 1);
  CHECK(webhook["attempts"][0]["status"] == 200);
  CHECK_FALSE(webhook["attempts"][0].contains("error"));
  CHECK(webhook["attempts"][0]["ms"].get<int64_t>() >= 0);
  CHECK(webhook["attempts"][0]["at"].get<std::string>().size() == 24);
  CHECK_FALSE(webhook.contains("next_attempt_at"));
  // Once: nothing more arrives.
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(receiver.received().size() == 1);
}

TEST_CASE("a failed job and cancelled jobs each post once with their event", "[webhooks][delivery]") {
  webhook_receiver receiver;
  webhook_fixture fixture({}, 1);
  // Running: a long job; queued behind it: a quick one. Both are cancelled.
  auto client = fixture.client();
  std::string running = fixture.submit(slow_job(fixture, receiver.url("/long")));
  std::string queued = fixture.submit(fixture.quick_job(receiver.url("/queued")));
  REQUIRE(client.Delete(("/jobs/" + queued).c_str())->status == 200);
  REQUIRE(client.Delete(("/jobs/" + running).c_str())->status == 200);

  write_bytes(fixture.media("broken.png"), std::string("\x89PNG\r\n\x1a\n", 8) + "not a png at all");
  json broken = fixture.quick_job(receiver.url("/broken"));
  broken["image_paths"] = {fixture.media("broken.png")};
  std::string failed = fixture.submit(broken);

  json failed_job = fixture.webhook_becomes(failed, "delivered");
  json queued_job = fixture.webhook_becomes(queued, "delivered");
  json running_job = fixture.webhook_becomes(running, "delivered");
  REQUIRE(receiver.wait_for(3));
  std::this_thread::sleep_for(milliseconds(300));
  auto received = receiver.received();
  REQUIRE(received.size() == 3);
  std::map<std::string, received_webhook> by_path;
  for (const auto& hook : received)
    by_path[hook.path] = hook;
  REQUIRE(by_path.size() == 3);

  CHECK(by_path["/broken"].header("Video-Service-Event") == "job.failed");
  check_body_is_snapshot(by_path["/broken"], failed_job, "job.failed");
  CHECK(json::parse(by_path["/broken"].body)["error"]["message"] ==
        "image " + fixture.media("broken.png") + " is not a readable JPEG, PNG, BMP or GIF");
  check_signed(by_path["/broken"]);

  for (const auto& [path, job] : {std::pair<std::string, json>{"/queued", queued_job}, {"/long", running_job}}) {
    INFO(path);
    CHECK(by_path[path].header("Video-Service-Event") == "job.cancelled");
    check_body_is_snapshot(by_path[path], job, "job.cancelled");
    CHECK(json::parse(by_path[path].body)["error"]["code"] == "cancelled");
    CHECK(job["webhook"]["event"] == "job.cancelled");
  }
}

TEST_CASE("a receiver answering 500 twice then 200 gets 3 attempts with growing gaps", "[webhooks][delivery][retry]") {
  webhook_receiver receiver([](size_t index, const received_webhook&) { return index < 2 ? 500 : 200; });
  webhook_fixture fixture;  // first retry after 150..300 ms, the second after 300..600 ms
  std::string id = fixture.submit(fixture.quick_job(receiver.url()));

  // Attempt 1 stays the latest for only 150..300 ms; a poller stalled longer
  // sees attempt 2 or 3 first, so "pending" is checked when it is caught.
  json waiting = fixture.poll_job(id, [](const json& job) {
    return job.contains("webhook") && job["webhook"]["attempt_count"] >= 1;
  });
  INFO(waiting.dump());
  REQUIRE(waiting.contains("webhook"));
  CHECK(waiting["webhook"]["attempts"][0]["status"] == 500);
  if (waiting["webhook"]["state"] != "delivered") {
    CHECK(waiting["webhook"]["state"] == "pending");
    CHECK(waiting["webhook"]["next_attempt_at"].get<std::string>().size() == 24);
  }

  json job = fixture.webhook_becomes(id, "delivered");
  INFO(job.dump());
  auto received = receiver.received();
  REQUIRE(received.size() == 3);
  for (size_t i = 0; i < received.size(); ++i) {
    CHECK(received[i].header("Video-Service-Attempt") == std::to_string(i + 1));
    CHECK(received[i].header("Video-Service-Delivery") == received[0].header("Video-Service-Delivery"));
    CHECK(received[i].body == received[0].body);
    check_signed(received[i]);
  }
  auto gap = [&](size_t i) {
    return std::chrono::duration_cast<milliseconds>(received[i].at - received[i - 1].at).count();
  };
  INFO("gaps " << gap(1) << " ms, " << gap(2) << " ms");
  // Jittered waits: the first in [150, 300] ms, the second in [300, 600] ms.
  // The lower bounds show the back-off exactly (each wait starts when the
  // answer is in); the upper ones add a connect, a hand-over and a wake-up,
  // which a loaded machine can stretch.
  CHECK(gap(1) >= 150);
  CHECK(gap(1) < 300 + 1000);
  CHECK(gap(2) >= 300);
  CHECK(gap(2) < 600 + 1000);

  const json& webhook = job["webhook"];
  CHECK(webhook["attempt_count"] == 3);
  REQUIRE(webhook["attempts"].size() == 3);
  CHECK(webhook["attempts"][0]["status"] == 500);
  CHECK(webhook["attempts"][1]["status"] == 500);
  CHECK(webhook["attempts"][2]["status"] == 200);
  CHECK_FALSE(webhook.contains("next_attempt_at"));
}

TEST_CASE("a receiver that never answers times out, is retried, and is given up on", "[webhooks][delivery][retry]") {
  silent_listener silent;
  webhook_fixture fixture([](webhooks::webhook_settings& settings) {
    settings.attempt_timeout = milliseconds(300);
    settings.schedule.first_retry = milliseconds(100);
    settings.retry_window = milliseconds(1500);
  });
  std::string id = fixture.submit(fixture.quick_job(silent.url()));
  json job = fixture.webhook_becomes(id, "failed");
  INFO(job.dump());
  const json& webhook = job["webhook"];
  REQUIRE(webhook["state"] == "failed");
  CHECK(webhook["attempt_count"].get<int>() >= 2);
  CHECK(webhook["attempts"].size() == webhook["attempt_count"].get<size_t>());
  const std::string port = silent.url().substr(17, silent.url().find("/hook") - 17);
  for (const auto& attempt : webhook["attempts"]) {
    CHECK(attempt["error"] == "no answer from 127.0.0.1:" + port + " (127.0.0.1) within 0.3 s");
    CHECK(attempt["ms"].get<int64_t>() >= 300);
    CHECK_FALSE(attempt.contains("status"));
  }
}

TEST_CASE("410 Gone stops the retries", "[webhooks][delivery][retry]") {
  webhook_receiver receiver([](size_t, const received_webhook&) { return 410; });
  webhook_fixture fixture;
  std::string id = fixture.submit(fixture.quick_job(receiver.url()));
  json job = fixture.webhook_becomes(id, "failed");
  INFO(job.dump());
  CHECK(job["webhook"]["attempt_count"] == 1);
  CHECK(job["webhook"]["attempts"][0]["status"] == 410);
  // Twice the first retry's longest wait: no second attempt came.
  std::this_thread::sleep_for(milliseconds(600));
  CHECK(receiver.received().size() == 1);
}

TEST_CASE("callback URLs are refused at submit when the text decides", "[webhooks][ssrf][http]") {
  webhook_fixture fixture([](webhooks::webhook_settings& settings) { settings.allowed_hosts.clear(); });
  auto client = fixture.client();
  json body = fixture.quick_job("");
  auto refused = [&](const json& url, const std::string& message) {
    json job = body;
    job["callback_url"] = url;
    check_error_reply(client.Post("/jobs", job.dump(), "application/json"), 422, "invalid_argument", message,
                      "callback_url");
  };
  refused("ftp://example.com/hook", "callback_url must be an http:// or https:// URL");
  refused(42, "callback_url must be an http:// or https:// URL");
  refused("https:///hook", "callback_url has no host");
  refused("https://user:pw@example.com/hook", "callback_url must not contain user credentials (user:password@)");
  refused("https://example.com/" + std::string(3000, 'x'), "callback_url is 3020 bytes long; at most 2048 are allowed");
  refused("http://127.0.0.1:8080/hook", "callback_url host 127.0.0.1 is a loopback address (127.0.0.0/8)" + rule_hint);
  refused("http://10.1.2.3/hook", "callback_url host 10.1.2.3 is a private address (10.0.0.0/8)" + rule_hint);
  refused("http://[::1]:8080/hook", "callback_url host ::1 is the loopback address (::1/128)" + rule_hint);
  refused("http://169.254.169.254/latest/meta-data",
          "callback_url host 169.254.169.254 is a link-local address (169.254.0.0/16)" + rule_hint);
  refused("http://[::ffff:7f00:1]/hook",
          "callback_url host ::ffff:127.0.0.1 is an IPv4-mapped address (::ffff:0:0/96) of 127.0.0.1, a loopback "
          "address (127.0.0.0/8)" +
            rule_hint);
  CHECK(fixture.system->service().stats().jobs_by_state["queued"] == 0);
}

TEST_CASE("a name resolving to loopback is refused at delivery, naming the rule, unless allowed", "[webhooks][ssrf]") {
  webhook_receiver receiver;
  const std::string url = "http://localhost:" + std::to_string(receiver.port()) + "/hook";
  {
    webhook_fixture fixture([](webhooks::webhook_settings& settings) { settings.allowed_hosts.clear(); });
    std::string id = fixture.submit(fixture.quick_job(url));
    json job = fixture.webhook_becomes(id, "failed");
    INFO(job.dump());
    CHECK(job["webhook"]["attempt_count"] == 1);
    std::string error = job["webhook"]["attempts"][0]["error"];
    CHECK((error == "refused: localhost resolves to 127.0.0.1, which is a loopback address (127.0.0.0/8)" + rule_hint ||
           error == "refused: localhost resolves to ::1, which is the loopback address (::1/128)" + rule_hint));
    CHECK(receiver.received().empty());
  }
  {
    webhook_fixture fixture([](webhooks::webhook_settings& settings) { settings.allowed_hosts = {{"localhost", 0}}; });
    std::string id = fixture.submit(fixture.quick_job(url));
    json job = fixture.webhook_becomes(id, "delivered");
    REQUIRE(receiver.wait_for(1));
    CHECK(receiver.received()[0].header("Host") == "localhost:" + std::to_string(receiver.port()));
  }
}

TEST_CASE("WEBHOOK_URL is the default, a job's own callback_url wins, no secret means unsigned", "[webhooks][delivery]") {
  webhook_receiver fallback;
  webhook_receiver own;
  webhook_fixture fixture([&](webhooks::webhook_settings& settings) {
    settings.default_url = fallback.url("/default");
    settings.secret.clear();
  });
  std::string plain = fixture.submit(fixture.quick_job(""));
  std::string with_url = fixture.submit(fixture.quick_job(own.url("/own")));
  fixture.webhook_becomes(plain, "delivered");
  fixture.webhook_becomes(with_url, "delivered");
  REQUIRE(fallback.wait_for(1));
  REQUIRE(own.wait_for(1));
  std::this_thread::sleep_for(milliseconds(200));
  REQUIRE(fallback.received().size() == 1);
  REQUIRE(own.received().size() == 1);
  CHECK(json::parse(fallback.received()[0].body)["job_id"] == plain);
  CHECK(json::parse(own.received()[0].body)["job_id"] == with_url);
  CHECK(fallback.received()[0].header("Video-Service-Signature").empty());
  CHECK_FALSE(fallback.received()[0].header("Video-Service-Delivery").empty());
}

TEST_CASE("jobs a shutdown cancels get their webhook before the dispatcher stops", "[webhooks][delivery][shutdown]") {
  webhook_receiver receiver;
  {
    webhook_fixture fixture({}, 1);
    fixture.submit(slow_job(fixture, receiver.url("/running")));
    fixture.submit(fixture.quick_job(receiver.url("/queued")));
    // The fixture goes as `serve` stops: shutdown, hand-over, dispatcher stop.
  }
  auto received = receiver.received();
  REQUIRE(received.size() == 2);
  std::set<std::string> paths;
  for (const auto& hook : received) {
    CHECK(hook.header("Video-Service-Event") == "job.cancelled");
    CHECK(json::parse(hook.body)["error"]["code"] == "cancelled");
    paths.insert(hook.path);
  }
  CHECK(paths == std::set<std::string>{"/queued", "/running"});
}
