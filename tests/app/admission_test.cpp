// Issue 7, defects 7, 8 and 12 against a real `video-service serve` worker
// on a real Redis: a job that cannot fit MAX_JOB_MEMORY_MB is a 422 naming
// what to lower (and a Redis task of the same job fails with the same
// message), slides shorter than a frame are a 422 or fail the job with the
// numbers, and HTTP jobs beyond MAX_QUEUED_JOBS are a 429.

#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <csignal>

using namespace vs::test;
using nlohmann::json;

namespace {

struct admission_worker {
  pipeline_fixture pipeline;
  int port = free_port();
  std::unique_ptr<child_process> worker;

  admission_worker() {
    worker = pipeline.start_worker("w1", {{"VIDEO_SERVICE_PORT", std::to_string(port)},
                                          {"MEDIA_ROOTS", pipeline.output_dir()},
                                          {"MAX_JOB_MEMORY_MB", "256"},
                                          {"MAX_QUEUED_JOBS", "1"},
                                          {"MAX_CONCURRENT_JOBS", "1"}});
    REQUIRE(pipeline_fixture::eventually([&] { return static_cast<bool>(get("/health")); },
                                         std::chrono::seconds(20)));
  }

  ~admission_worker() {
    worker->signal(SIGTERM);
    worker->wait(std::chrono::seconds(20));
  }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    return client.Get(path.c_str());
  }

  httplib::Result post(const json& body) const {
    httplib::Client client("127.0.0.1", port);
    return client.Post("/jobs", body.dump(), "application/json");
  }

  /// A narration and `count` slide files in the shared folder.
  json job(const std::string& name, double seconds, int count) const {
    std::string audio = pipeline.output_dir() + "/voice/" + name + ".wav";
    write_test_audio(audio, seconds);
    json images = json::array();
    for (int i = 0; i < count; ++i) {
      std::string image = pipeline.output_dir() + "/images/" + name + std::to_string(i) + ".png";
      write_test_png(image, 64, 64, 3, i);
      images.push_back(image);
    }
    return {{"audio_path", audio}, {"image_paths", images}, {"resolution", "320x180"}, {"fps", 12},
            {"preset", "ultrafast"}};
  }
};

json error_of(const httplib::Result& answer) { return json::parse(answer->body)["error"]; }

} // namespace

TEST_CASE("a job that cannot fit MAX_JOB_MEMORY_MB is a 422 over HTTP and fails the same way from Redis",
          "[serve][admission]") {
  admission_worker service;
  // The issue's reproduction.
  json huge = service.job("huge", 2.0, 2);
  huge["resolution"] = json::array({7680, 4320});
  huge["zoom_factor"] = 4;
  huge["lookahead"] = 250;
  huge["preset"] = "medium";
  auto lookahead = service.post(huge);
  REQUIRE(lookahead);
  CHECK(lookahead->status == 422);
  CHECK(error_of(lookahead)["field"] == "lookahead");
  CHECK(error_of(lookahead)["message"] == "lookahead must be between 0 and 60 frames (got 250)");

  huge["lookahead"] = 60;
  auto refused = service.post(huge);
  REQUIRE(refused);
  CHECK(refused->status == 422);
  json why = error_of(refused);
  CHECK(why["code"] == "invalid_argument");
  CHECK(why["field"] == "resolution");
  const std::string message = why["message"];
  CHECK(message.rfind("the job needs an estimated ", 0) == 0);
  CHECK(message.find("over the 256 MB a job may use (MAX_JOB_MEMORY_MB); lower resolution to at most ") !=
        std::string::npos);

  // The same job as a Redis task (two slides, the same settings).
  auto slides = service.pipeline.upstream("big", 2.0, 2);
  service.pipeline.video_task("big", "big-voice", slides,
                              R"({"resolution":[7680,4320],"zoom_factor":4,"lookahead":60,"preset":"medium"})");
  service.pipeline.push("big");
  REQUIRE(service.pipeline.status_becomes("big", "failed", std::chrono::seconds(30)));
  CHECK(service.pipeline.field("big", "error") == message);

  // The worker goes on: a job that fits renders.
  auto small = service.post(service.job("small", 1.0, 2));
  REQUIRE(small);
  CHECK(small->status == 202);
}

TEST_CASE("slides shorter than one frame are a 422 or fail the job naming the numbers", "[serve][admission]") {
  admission_worker service;
  // Slides set the length: known at submit.
  json fixed = service.job("fixed", 1.0, 3);
  fixed["sync_to_audio"] = false;
  fixed["slide_duration"] = 0.1;
  fixed["transition_duration"] = 0.05;
  auto refused = service.post(fixed);
  REQUIRE(refused);
  CHECK(refused->status == 422);
  CHECK(error_of(refused)["field"] == "slide_duration");
  CHECK(error_of(refused)["message"] ==
        "slide_duration 0.1 s with a 0.05 s transition leaves each slide 0.05 s, less than one frame at 12 fps "
        "(0.0833 s): lengthen slide_duration, shorten transition_duration or raise fps");

  // The narration sets the length: known once it is decoded, so the job fails.
  json synced = service.job("synced", 4.0, 1);
  synced["fps"] = 24;
  json many = json::array();
  for (int i = 0; i < 1000; ++i)
    many.push_back(synced["image_paths"][0]);
  synced["image_paths"] = many;
  auto accepted = service.post(synced);
  REQUIRE(accepted);
  REQUIRE(accepted->status == 202);
  std::string id = json::parse(accepted->body)["job_id"];
  json job;
  REQUIRE(pipeline_fixture::eventually([&] {
    auto answer = service.get("/jobs/" + id);
    job = json::parse(answer->body);
    return job["status"] == "failed";
  }));
  CHECK(job["error"]["code"] == "invalid_argument");
  CHECK(job["error"]["message"] ==
        "1000 slides over 4 s of audio at 24 fps leave each slide 0.004 s, less than one frame (0.0417 s): use at most "
        "95 slides, a longer narration or a higher fps");
}

TEST_CASE("HTTP jobs beyond MAX_QUEUED_JOBS are a 429", "[serve][admission]") {
  admission_worker service;
  json slow = service.job("slow", 30.0, 2);  // keeps the only slot for seconds
  auto running = service.post(slow);
  auto waiting = service.post(slow);
  REQUIRE(running);
  REQUIRE(waiting);
  CHECK(running->status == 202);
  CHECK(waiting->status == 202);
  auto refused = service.post(slow);
  REQUIRE(refused);
  CHECK(refused->status == 429);
  CHECK(error_of(refused)["code"] == "busy");
  CHECK(error_of(refused)["message"] == "the queue is full (1 jobs waiting, MAX_QUEUED_JOBS); retry later");
  // /health still answers.
  auto health = service.get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}
