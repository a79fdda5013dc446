// The HTTP API of workers that share a Redis.
#include "tests/worker/worker_fixture.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

using namespace vs::test;
using nlohmann::json;

namespace {

json get_json(int port, const std::string& path, int expected_status = 200) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto response = client.Get(path.c_str());
  REQUIRE(response);
  CHECK(response->status == expected_status);
  return json::parse(response->body);
}

/// POSTs a 320x180, 12 fps job of upstream `prefix`'s narration and first
/// slide to the worker on `port`; the job id it answers with.
std::string post_job(pipeline_fixture& pipeline, int port, const std::string& prefix) {
  json body{{"audio_path", pipeline.output_dir() + "/voice/audio_" + prefix + ".mp3"},
            {"image_paths", {pipeline.output_dir() + "/images/image_" + prefix + "0.png"}},
            {"fps", 12},
            {"resolution", "320x180"}};
  httplib::Client client("127.0.0.1", port);
  auto posted = client.Post("/jobs", body.dump(), "application/json");
  REQUIRE(posted);
  REQUIRE(posted->status == 202);
  return json::parse(posted->body)["job_id"];
}

bool healthy(int port) {
  httplib::Client client("127.0.0.1", port);
  auto response = client.Get("/health");
  return response && response->status == 200;
}

} // namespace

TEST_CASE("a job posted to one worker can be polled on another and tasks show as stored", "[worker][redis][http]") {
  pipeline_fixture pipeline;
  int port_a = free_port();
  int port_b = free_port();
  auto a = pipeline.start_worker("a", {{"VIDEO_SERVICE_PORT", std::to_string(port_a)}});
  auto b = pipeline.start_worker("b", {{"VIDEO_SERVICE_PORT", std::to_string(port_b)}});
  REQUIRE(pipeline.eventually([&] { return healthy(port_a) && healthy(port_b); }, std::chrono::seconds(20)));
  REQUIRE(pipeline.eventually([&] { return poll_json(port_b, "/health")["redis"] == "up"; }, std::chrono::seconds(10)));

  pipeline.upstream("h", 1.0);
  std::string id = post_job(pipeline, port_a, "h");

  // Worker b never saw the job; it answers from the task hash worker a keeps
  // (404 until worker a has written it).
  REQUIRE(pipeline.eventually([&] {
    auto job = poll_json(port_b, "/jobs/" + id);
    return job.is_object() && job["status"] == "success";
  }));
  json remote = get_json(port_b, "/jobs/" + id);
  CHECK(remote["result"]["video_path"] == pipeline.output_dir() + "/video/" + id + ".mp4");
  CHECK(remote["source"] == "http");
  CHECK(pipeline.field(id, "status") == "success");
  CHECK(pipeline.field(id, "service") == "video-service");

  // GET /tasks/{id} shows any task hash, field by field.
  json slide = get_json(port_b, "/tasks/h-slide0");
  CHECK(slide["service"] == "image-service");
  CHECK(slide["result_ref"] == "image_h0.png");
  json missing = get_json(port_b, "/tasks/nope", 404);
  CHECK(missing["error"]["code"] == "not_found");
  get_json(port_b, "/jobs/nope", 404);

  // Redis going away shows in /health; the worker stays up and comes back.
  pipeline.redis.stop();
  REQUIRE(pipeline.eventually([&] { return poll_json(port_a, "/health")["redis"] == "down"; }, std::chrono::seconds(15)));
  CHECK(get_json(port_a, "/health")["status"] == "healthy");
  pipeline.redis.start();
  CHECK(pipeline.eventually([&] { return poll_json(port_a, "/health")["redis"] == "up"; }, std::chrono::seconds(15)));
}

TEST_CASE("every worker's GET /jobs lists the jobs of all workers", "[worker][redis][http]") {
  // Defect: each worker listed only the jobs of its own process, so the
  // dashboard of one worker showed a fraction of the cluster's jobs.
  pipeline_fixture pipeline;
  int port_a = free_port();
  int port_b = free_port();
  auto a = pipeline.start_worker("a", {{"VIDEO_SERVICE_PORT", std::to_string(port_a)}});
  auto slides = pipeline.upstream("x", 1.0);
  pipeline.video_task("x", "x-voice", slides);
  pipeline.push("x");
  REQUIRE(pipeline.status_becomes("x", "success"));
  // Worker b starts after x ended: it never saw it.
  auto b = pipeline.start_worker("b", {{"VIDEO_SERVICE_PORT", std::to_string(port_b)}});
  REQUIRE(pipeline.eventually([&] { return healthy(port_b); }, std::chrono::seconds(20)));
  const std::string http_id = post_job(pipeline, port_b, "x");
  REQUIRE(pipeline.eventually([&] { return pipeline.field(http_id, "status") == "success"; }));

  auto ids_of = [](const json& list) {
    std::vector<std::string> ids;
    for (const auto& job : list["jobs"])
      ids.push_back(job["job_id"]);
    return ids;
  };
  for (int port : {port_a, port_b}) {
    INFO("worker on port " << port);
    json list = get_json(port, "/jobs");
    // Newest first: the HTTP job came after the task.
    CHECK(ids_of(list) == std::vector<std::string>{http_id, "x"});
    for (const auto& job : list["jobs"]) {
      CHECK(job["status"] == "success");
      CHECK(job["source"] == (job["job_id"] == "x" ? "redis" : "http"));
    }
    CHECK(ids_of(get_json(port, "/jobs?state=success&limit=1")) == std::vector<std::string>{http_id});
    CHECK(get_json(port, "/jobs?state=failed")["jobs"].empty());
  }
}
