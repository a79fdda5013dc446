// The dispatcher on a real Redis: a webhook whose job ends while Redis is
// away is stored once Redis is back; a stopped dispatcher leaves its
// pending deliveries to the next one.

#include "tests/redis/local_endpoint.hpp"
#include "tests/webhooks/webhook_fixture.hpp"

#include "webhooks/redis_outbox.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::test;
using nlohmann::json;
using std::chrono::milliseconds;

namespace {

std::shared_ptr<webhooks::webhook_outbox> outbox_on(const redis_server& server) {
  return std::make_shared<webhooks::redis_outbox>(local_endpoint(server), std::chrono::seconds(60),
                                                  std::chrono::seconds(60));
}

/// A job as the coordinator reports its end.
jobs::job_snapshot finished_job(const std::string& id, const std::string& callback_url) {
  jobs::job_snapshot job;
  job.id = id;
  job.source = "http";
  job.state = jobs::job_state::success;
  job.progress = 1.0;
  job.created_at_ms = 1764000000000;
  job.started_at_ms = 1764000000100;
  job.finished_at_ms = 1764000003100;
  job.result = jobs::job_result{"/out/video/" + id + ".mp4", "", 3.0, 1234, 320, 180, 12, 36, ""};
  job.spec.callback_url = callback_url;
  return job;
}

} // namespace

TEST_CASE("a webhook whose job ends while Redis is away is stored and sent once Redis is back",
          "[webhooks][redis][dispatch]") {
  redis_server server;
  webhook_receiver receiver;
  webhooks::webhook_dispatcher dispatcher(test_webhook_settings(), outbox_on(server));
  server.stop();
  dispatcher.job_finished(finished_job("j1", receiver.url()));
  std::this_thread::sleep_for(milliseconds(300));
  CHECK(receiver.received().empty());
  server.start();
  REQUIRE(receiver.wait_for(1, std::chrono::seconds(15)));
  json body = json::parse(receiver.received()[0].body);
  CHECK(body["job_id"] == "j1");
  CHECK(body["event"] == "job.succeeded");
  CHECK(body["result"]["video_url"] == "/jobs/j1/video");
  // The receiver has the request before the dispatcher has its answer and
  // settles the delivery: stopping the dispatcher waits for that.
  dispatcher.stop();
  auto shown = outbox_on(server)->latest_for_job("j1");
  REQUIRE(shown);
  REQUIRE(*shown);
  CHECK((*shown)->state == "delivered");
}

TEST_CASE("a stopped dispatcher leaves its pending deliveries to the next one", "[webhooks][redis][dispatch]") {
  redis_server server;
  webhook_receiver receiver([](size_t index, const received_webhook&) { return index == 0 ? 503 : 200; });
  auto settings = test_webhook_settings();
  settings.schedule.first_retry = milliseconds(4000);
  {
    webhooks::webhook_dispatcher first(settings, outbox_on(server));
    first.job_finished(finished_job("j2", receiver.url()));
    REQUIRE(receiver.wait_for(1));
    // Stopped before its retry (2..4 s later) is due; the delivery stays pending in Redis.
    first.stop();
  }
  auto pending = outbox_on(server)->latest_for_job("j2");
  REQUIRE(pending);
  REQUIRE(*pending);
  CHECK((*pending)->state == "pending");
  CHECK((*pending)->attempt_count == 1);
  CHECK(receiver.received().size() == 1);

  webhooks::webhook_dispatcher next(settings, outbox_on(server));
  REQUIRE(receiver.wait_for(2, std::chrono::seconds(15)));
  auto received = receiver.received();
  CHECK(received[1].header("Video-Service-Delivery") == received[0].header("Video-Service-Delivery"));
  CHECK(received[1].header("Video-Service-Attempt") == "2");
  next.stop();
  auto delivered = outbox_on(server)->latest_for_job("j2");
  REQUIRE(delivered);
  CHECK((*delivered)->state == "delivered");
}
