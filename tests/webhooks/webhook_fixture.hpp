#pragma once
/// Webhooks wired as `serve` wires them in standalone mode: a real job
/// system whose finished jobs go to a webhook dispatcher (memory outbox),
/// and a real HTTP server in front of the webhook job service. Test
/// settings: a secret, 127.0.0.1 allowed, short back-off and polling.

#include "actors/webhook_observer.hpp"
#include "webhooks/memory_outbox.hpp"
#include "webhooks/webhook_dispatcher.hpp"
#include "webhooks/webhook_job_service.hpp"

#include "tests/api/http_fixture.hpp"
#include "tests/webhooks/webhook_receiver.hpp"

#include <functional>
#include <memory>

namespace vs::test {

inline const std::string test_secret = "whsec_test";

inline webhooks::webhook_settings test_webhook_settings() {
  webhooks::webhook_settings settings;
  settings.secret = test_secret;
  settings.allowed_hosts = {{"127.0.0.1", 0}};
  settings.attempt_timeout = std::chrono::milliseconds(2000);
  settings.schedule.first_retry = std::chrono::milliseconds(300);
  settings.poll_interval = std::chrono::milliseconds(50);
  return settings;
}

class webhook_fixture {
public:
  explicit webhook_fixture(const std::function<void(webhooks::webhook_settings&)>& adjust = {}, int max_jobs = 2) {
    system = start_test_job_system(dir.file("out"), max_jobs);
    settings = test_webhook_settings();
    if (adjust)
      adjust(settings);
    auto outbox = std::make_shared<webhooks::memory_outbox>();
    dispatcher = std::make_shared<webhooks::webhook_dispatcher>(settings, outbox);
    flush_final_jobs = actors::observe_final_jobs(
      *system, [to = dispatcher](const jobs::job_snapshot& job) { to->job_finished(job); }, false);
    service = std::make_unique<webhooks::webhook_job_service>(system->service(), outbox, settings.allowed_hosts);
    api::http_config config;
    config.media_roots = {dir.file("media")};
    config.output_dir = dir.file("out");
    std::filesystem::create_directories(dir.file("media"));
    http = std::make_unique<running_http_server>(*service, config);
  }

  /// In `serve`'s order: the jobs end, their webhooks are handed over, the dispatcher stops.
  ~webhook_fixture() {
    http.reset();
    system->shutdown(std::chrono::milliseconds(0));
    flush_final_jobs();
    dispatcher->stop();
  }

  httplib::Client client() const {
    httplib::Client c("127.0.0.1", http->port());
    c.set_read_timeout(60, 0);
    return c;
  }

  std::string media(const std::string& name) const { return dir.file("media/" + name); }

  /// A job of a second or so (12 frames at 320x180) calling back `callback_url` (none if empty).
  nlohmann::json quick_job(const std::string& callback_url) const {
    write_test_audio(media("voice.mp3"), 1.0);
    write_test_png(media("a.png"), 320, 240, 3, 0);
    write_test_png(media("b.png"), 320, 240, 3, 1);
    nlohmann::json body = {{"audio_path", media("voice.mp3")}, {"image_paths", {media("a.png"), media("b.png")}},
                           {"resolution", "320x180"}, {"fps", 12}, {"preset", "ultrafast"}};
    if (!callback_url.empty())
      body["callback_url"] = callback_url;
    return body;
  }

  /// POSTs a job; returns its id (the test fails if it is not queued).
  std::string submit(const nlohmann::json& body) const {
    auto client = this->client();
    auto posted = client.Post("/jobs", body.dump(), "application/json");
    REQUIRE(posted);
    INFO(posted->body);
    REQUIRE(posted->status == 202);
    return nlohmann::json::parse(posted->body)["job_id"];
  }

  nlohmann::json job(const std::string& id) const {
    auto client = this->client();
    return body_of(client.Get(("/jobs/" + id).c_str()));
  }

  /// Polls GET /jobs/{id} until `done(job)`; the last answer either way.
  nlohmann::json poll_job(const std::string& id, const std::function<bool(const nlohmann::json&)>& done,
                          std::chrono::milliseconds limit = std::chrono::seconds(60)) const {
    auto deadline = std::chrono::steady_clock::now() + limit;
    for (;;) {
      auto answer = job(id);
      if (done(answer) || std::chrono::steady_clock::now() > deadline)
        return answer;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }

  /// Polls until the job's webhook is in `state` (pending, delivered, failed).
  nlohmann::json webhook_becomes(const std::string& id, const std::string& state,
                                 std::chrono::milliseconds limit = std::chrono::seconds(60)) const {
    return poll_job(
      id, [&](const nlohmann::json& job) { return job.contains("webhook") && job["webhook"]["state"] == state; },
      limit);
  }

  temp_dir dir;
  webhooks::webhook_settings settings;
  std::unique_ptr<actors::job_system> system;
  std::shared_ptr<webhooks::webhook_dispatcher> dispatcher;
  std::function<void()> flush_final_jobs;
  std::unique_ptr<webhooks::webhook_job_service> service;
  std::unique_ptr<running_http_server> http;
};

} // namespace vs::test
