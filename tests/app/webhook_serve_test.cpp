// Webhooks of `video-service serve` as a process: WEBHOOK_* settings it
// cannot use stop it before it listens; jobs a SIGTERM cancels still get
// their webhook before it exits.

#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/webhooks/webhook_receiver.hpp"
#include "webhooks/webhook_signature.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <csignal>
#include <ctime>
#include <filesystem>
#include <set>

using namespace vs::test;
using nlohmann::json;

namespace {

command_output serve_with(const std::string& variable, const std::string& value) {
  temp_dir dir;
  return capture_command(variable + "=" + shell_quote(value) + " OUTPUT_DIR=" + shell_quote(dir.file("out")) + " " +
                         shell_quote(video_service_binary()) + " serve --host 127.0.0.1 --port " +
                         std::to_string(free_port()));
}

} // namespace

TEST_CASE("serve exits 2 naming a WEBHOOK_* setting it cannot use", "[app][webhooks]") {
  const std::string hint =
    "; webhooks go only to public addresses unless WEBHOOK_ALLOWED_HOSTS names the host";
  const std::pair<std::pair<const char*, const char*>, std::string> cases[] = {
    {{"WEBHOOK_URL", "ftp://hooks.example.com/"}, "WEBHOOK_URL must be an http:// or https:// URL"},
    {{"WEBHOOK_URL", "https://user:pw@hooks.example.com/"},
     "WEBHOOK_URL must not contain user credentials (user:password@)"},
    {{"WEBHOOK_URL", "http://10.0.0.8/hook"}, "WEBHOOK_URL host 10.0.0.8 is a private address (10.0.0.0/8)" + hint},
    {{"WEBHOOK_ALLOWED_HOSTS", "ok.internal, http://bad/"},
     "WEBHOOK_ALLOWED_HOSTS: 'http://bad/' is not a host, host:port or [IPv6]:port"},
    {{"WEBHOOK_RETRY_SECONDS", "-1"}, "WEBHOOK_RETRY_SECONDS must be 0..604800 seconds, not -1"},
    {{"WEBHOOK_TIMEOUT_SECONDS", "0"}, "WEBHOOK_TIMEOUT_SECONDS must be 0.1..300 seconds, not 0"},
    {{"WEBHOOK_CONCURRENCY", "0"}, "WEBHOOK_CONCURRENCY must be 1..64, not 0"},
  };
  for (const auto& [setting, message] : cases) {
    INFO(setting.first << "=" << setting.second);
    auto run = serve_with(setting.first, setting.second);
    CHECK(run.exit_code == 2);
    CHECK(run.err == "video-service serve: " + message + "\n");
  }
}

TEST_CASE("serve posts the webhooks of the jobs a SIGTERM cancels before it exits", "[app][webhooks]") {
  webhook_receiver receiver;
  temp_dir dir;
  std::filesystem::create_directories(dir.file("out"));
  const int port = free_port();
  child_process serve({video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                       "--output-dir", dir.file("out"), "--grace-seconds", "0", "--max-concurrent-jobs", "1"},
                      {{"WEBHOOK_ALLOWED_HOSTS", "127.0.0.1"}, {"WEBHOOK_SECRET", "s"}}, dir.file("serve.log"));
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 200 && !client.Get("/health"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  write_test_audio(dir.file("out/voice.mp3"), 20.0);
  write_test_png(dir.file("out/a.png"), 1024, 1024, 3, 0);
  json body{{"audio_path", dir.file("out/voice.mp3")}, {"image_paths", {dir.file("out/a.png")}},
            {"resolution", "1280x720"}, {"preset", "slow"}};
  std::vector<std::string> ids;
  for (const char* path : {"/running", "/queued"}) {
    body["callback_url"] = receiver.url(path);
    auto posted = client.Post("/jobs", body.dump(), "application/json");
    REQUIRE(posted);
    REQUIRE(posted->status == 202);
    ids.push_back(json::parse(posted->body)["job_id"]);
  }
  serve.signal(SIGTERM);
  REQUIRE(serve.wait(std::chrono::seconds(30)) == 0);
  INFO(serve.log());
  auto received = receiver.received();
  REQUIRE(received.size() == 2);
  std::set<std::string> jobs;
  for (const auto& hook : received) {
    json sent = json::parse(hook.body);
    CHECK(sent["event"] == "job.cancelled");
    CHECK(sent["status"] == "cancelled");
    CHECK(vs::webhooks::verify_signature("s", hook.header("Video-Service-Signature"), hook.body, std::time(nullptr)));
    jobs.insert(sent["job_id"].get<std::string>());
  }
  CHECK(jobs == std::set<std::string>(ids.begin(), ids.end()));
}

namespace {

/// A standalone serve with webhooks to 127.0.0.1, on `dir`'s out/ folder.
std::unique_ptr<child_process> start_standalone(temp_dir& dir, int port, const std::string& log_name,
                                                std::map<std::string, std::string> environment = {}) {
  std::filesystem::create_directories(dir.file("out"));
  environment["WEBHOOK_ALLOWED_HOSTS"] = "127.0.0.1";
  auto serve = std::make_unique<child_process>(
    std::vector<std::string>{video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                             "--output-dir", dir.file("out")},
    std::move(environment), dir.file(log_name));
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 200 && !client.Get("/health"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  return serve;
}

/// Submits a short job whose webhook goes to `callback_url`; its id.
std::string submit_with_callback(temp_dir& dir, int port, const std::string& callback_url) {
  write_test_audio(dir.file("out/voice.mp3"), 1.0);
  write_test_png(dir.file("out/a.png"), 320, 240, 3, 0);
  json body{{"audio_path", dir.file("out/voice.mp3")}, {"image_paths", {dir.file("out/a.png")}},
            {"resolution", "320x240"}, {"callback_url", callback_url}};
  httplib::Client client("127.0.0.1", port);
  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  REQUIRE(posted->status == 202);
  return json::parse(posted->body)["job_id"];
}

/// GET /jobs/{id} until its webhook is in `state` with at least
/// `attempts` attempts recorded; the last snapshot seen. A delivery is
/// "pending" before its first attempt too, and the receiver holds the
/// request before the dispatcher records the answer, so the state alone
/// does not say an attempt is on record.
json wait_for_webhook_state(int port, const std::string& id, const std::string& state, size_t attempts = 1) {
  httplib::Client client("127.0.0.1", port);
  json shown;
  for (int i = 0; i < 300; ++i) {
    auto got = client.Get(("/jobs/" + id).c_str());
    if (got && got->status == 200) {
      shown = json::parse(got->body);
      if (shown.contains("webhook") && shown["webhook"]["state"] == state &&
          shown["webhook"]["attempts"].size() >= attempts)
        return shown;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return shown;
}

} // namespace

TEST_CASE("a standalone serve shows a job's webhook delivery in GET /jobs/{id}", "[app][webhooks]") {
  // Defect: the HTTP threads read delivery state from an in-memory outbox of
  // their own, which the dispatcher never wrote: "webhook" never appeared.
  webhook_receiver receiver;
  temp_dir dir;
  const int port = free_port();
  auto serve = start_standalone(dir, port, "serve.log");
  const std::string id = submit_with_callback(dir, port, receiver.url("/done"));
  REQUIRE(receiver.wait_for(1));
  json shown = wait_for_webhook_state(port, id, "delivered");
  INFO(shown.dump() << "\n" << serve->log());
  REQUIRE(shown.contains("webhook"));
  CHECK(shown["webhook"]["state"] == "delivered");
  CHECK(shown["webhook"]["url"] == receiver.url("/done"));
  CHECK(shown["webhook"]["delivery_id"] == receiver.received()[0].header("Video-Service-Delivery"));
  CHECK(shown["webhook"]["attempts"][0]["status"] == 200);
}

TEST_CASE("a standalone serve killed while a webhook waits to be retried delivers it after a restart",
          "[app][webhooks][store]") {
  // The receiver is down (503) for the first attempt; the retry is due
  // 5 to 10 s later, and the process is killed before it.
  webhook_receiver receiver([](size_t n, const received_webhook&) { return n == 0 ? 503 : 200; });
  temp_dir dir;
  const int port = free_port();
  const std::map<std::string, std::string> environment{{"WEBHOOK_BACKOFF_SECONDS", "10"}};
  auto first = start_standalone(dir, port, "first.log", environment);
  const std::string id = submit_with_callback(dir, port, receiver.url("/done"));
  REQUIRE(receiver.wait_for(1));
  json pending = wait_for_webhook_state(port, id, "pending");
  INFO(pending.dump() << "\n" << first->log());
  REQUIRE(pending.contains("webhook"));
  CHECK(pending["webhook"]["attempts"][0]["status"] == 503);
  first->signal(SIGKILL);
  REQUIRE(first->wait(std::chrono::seconds(10)).has_value());
  REQUIRE(receiver.received().size() == 1);

  auto second = start_standalone(dir, port, "second.log", environment);
  REQUIRE(receiver.wait_for(2, std::chrono::seconds(30)));
  auto received = receiver.received();
  CHECK(received[1].body == received[0].body);
  CHECK(received[1].header("Video-Service-Delivery") == received[0].header("Video-Service-Delivery"));
  json delivered = wait_for_webhook_state(port, id, "delivered", 2);
  INFO(delivered.dump() << "\n" << second->log());
  REQUIRE(delivered.contains("webhook"));
  CHECK(delivered["webhook"]["attempt_count"] == 2);
  CHECK(delivered["webhook"]["attempts"][0]["status"] == 503);
  CHECK(delivered["webhook"]["attempts"][1]["status"] == 200);
}
