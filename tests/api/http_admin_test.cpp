// The dashboard's routes on a real server: its files (GET /, /dashboard/...)
// and the JSON it reads (queues, workers, dead letters, a job's parameters),
// standalone and in front of a Redis worker with a real redis-server.

#include "tests/api/http_fixture.hpp"
#include "tests/api/redis_http_fixture.hpp"
#include "tests/support/fixtures.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

std::string source_file(const std::string& relative) {
  std::ifstream in(std::filesystem::path(VS_SOURCE_DIR) / relative, std::ios::binary);
  REQUIRE(in);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

/// Polls `path` until `done(body)` holds, for up to `seconds`; returns the last body.
json poll_json(httplib::Client& client, const std::string& path, const std::function<bool(const json&)>& done,
               int seconds = 30) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  json body;
  while (std::chrono::steady_clock::now() < deadline) {
    auto answer = client.Get(path.c_str());
    if (answer && answer->status == 200) {
      body = json::parse(answer->body);
      if (done(body))
        return body;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return body;
}

/// An error answer that names no field.
void check_plain_error(const httplib::Result& result, int status, const std::string& code,
                       const std::string& message) {
  REQUIRE(result);
  INFO(result->body);
  CHECK(result->status == status);
  auto body = json::parse(result->body);
  CHECK(body["error"] == json({{"code", code}, {"message", message}}));
}

} // namespace

TEST_CASE("the dashboard's files are the source files, with CSP, nosniff and an ETag that answers 304",
          "[http][dashboard]") {
  http_fixture fixture;
  auto client = fixture.client();
  auto page = client.Get("/");
  REQUIRE(page);
  CHECK(page->status == 200);
  CHECK(page->get_header_value("Content-Type") == "text/html; charset=utf-8");
  CHECK(page->body == source_file("api/dashboard/index.html"));
  CHECK(page->get_header_value("Content-Security-Policy").find("script-src 'self';") != std::string::npos);
  CHECK(page->get_header_value("X-Content-Type-Options") == "nosniff");
  CHECK(page->get_header_value("Cache-Control") == "no-cache");
  const std::string etag = page->get_header_value("ETag");
  REQUIRE(etag.size() == 22);

  auto unchanged = client.Get("/", {{"If-None-Match", etag}});
  REQUIRE(unchanged);
  CHECK(unchanged->status == 304);
  CHECK(unchanged->body.empty());
  auto other = client.Get("/", {{"If-None-Match", "\"0000\""}});
  REQUIRE(other);
  CHECK(other->status == 200);

  for (const auto& [name, type] : std::vector<std::pair<std::string, std::string>>{
           {"dashboard.js", "text/javascript; charset=utf-8"}, {"dashboard.css", "text/css; charset=utf-8"}}) {
    auto file = client.Get(("/dashboard/" + name).c_str());
    REQUIRE(file);
    CHECK(file->status == 200);
    CHECK(file->get_header_value("Content-Type") == type);
    CHECK(file->body == source_file("api/dashboard/" + name));
  }
  check_plain_error(client.Get("/dashboard/index.htm"), 404, "not_found", "no dashboard file index.htm");
  auto folder = client.Get("/dashboard/");
  REQUIRE(folder);
  CHECK(folder->status == 302);
  CHECK(folder->get_header_value("Location") == "/");
}

TEST_CASE("standalone, the queue routes answer with no Redis lists and requeue names the missing setting",
          "[http][dashboard]") {
  http_fixture fixture;
  auto client = fixture.client();
  CHECK(body_of(client.Get("/queues")) == json({{"redis", "disabled"}, {"jobs", {{"running", 0}, {"queued", 0}}}}));
  CHECK(body_of(client.Get("/workers")) == json({{"redis", "disabled"}, {"workers", json::array()}}));
  CHECK(body_of(client.Get("/dead-letters")) ==
        json({{"redis", "disabled"}, {"total", 0}, {"dead_letters", json::array()}}));
  check_plain_error(client.Post("/dead-letters/abc/requeue"), 404, "not_found",
                    "task abc is not on a dead-letter queue: there is none without Redis (REDIS_URL or REDIS_HOST)");
  check_error_reply(client.Get("/dead-letters?limit=0"), 422, "invalid_argument", "limit must be between 1 and 1000",
                    "limit");
}

TEST_CASE("GET /jobs/{id}/spec shows the job's parameters as the request spelled them", "[http][dashboard]") {
  http_fixture fixture;
  auto client = fixture.client();
  json job = fixture.small_job();
  job["transition"] = "wipeleft";
  job["enable_ken_burns"] = false;
  auto submitted = client.Post("/jobs", job.dump(), "application/json");
  REQUIRE(submitted);
  REQUIRE(submitted->status == 202);
  const std::string id = body_of(submitted)["job_id"];
  auto spec = body_of(client.Get(("/jobs/" + id + "/spec").c_str()));
  CHECK(spec["job_id"] == id);
  CHECK(spec["spec"]["audio_path"] == job["audio_path"]);
  CHECK(spec["spec"]["resolution"] == json({320, 180}));
  CHECK(spec["spec"]["fps"] == 12);
  CHECK(spec["spec"]["preset"] == "ultrafast");
  CHECK(spec["spec"]["transition"] == "wipeleft");
  CHECK(spec["spec"]["enable_ken_burns"] == false);
  CHECK(spec["spec"]["captions"] == false);
  check_plain_error(client.Get("/jobs/nosuchjob/spec"), 404, "not_found", "no job with id nosuchjob");
}

TEST_CASE("with Redis, a dead letter is listed with its error and requeued through the API until it renders",
          "[http][dashboard][redis]") {
  redis_http_fixture fixture;
  auto client = fixture.client();
  const std::string audio = fixture.dir.file("out/voice.mp3");
  const std::string slide = fixture.dir.file("out/slide.png");
  write_test_audio(audio, 1.0);
  write_test_png(slide, 160, 120);
  // `attempts` is no integer: the worker's claim puts the task on the dead-letter queue.
  fixture.hset("dead1", {{"id", "dead1"}, {"service", "video-service"}, {"name", "CreateVideo"}, {"status", "queued"},
                         {"queue", "0"}, {"attempts", "x"},
                         {"params", json({{"audio_path", audio}, {"image_paths", {slide}}, {"resolution", "160x120"},
                                          {"preset", "ultrafast"}}).dump()}});
  fixture.redis.cli({"LPUSH", "queue:video-service", "dead1"});

  auto dead = poll_json(client, "/dead-letters", [](const json& body) { return body["total"] == 1; });
  REQUIRE(dead["total"] == 1);
  CHECK(dead["redis"] == "up");
  CHECK(dead["dead_letters"][0] == json({{"id", "dead1"}, {"has_task", true}, {"name", "CreateVideo"},
                                         {"status", "failed"}, {"error", "task dead1: attempts 'x' is not an integer"},
                                         {"attempts", "x"}, {"updated_at", dead["dead_letters"][0]["updated_at"]}}));
  auto queues = body_of(client.Get("/queues"));
  CHECK(queues["queues"] == json({{"tasks_queued", 0}, {"tasks_processing", 0}, {"chunks_queued", 0},
                                  {"chunks_processing", 0}, {"dead", 1}}));
  auto workers = body_of(client.Get("/workers"));
  REQUIRE(workers["workers"].size() == 1);
  CHECK(workers["workers"][0]["id"] == "api-test");
  CHECK(workers["workers"][0]["alive"] == true);

  auto requeued = client.Post("/dead-letters/dead1/requeue");
  REQUIRE(requeued);
  CHECK(requeued->status == 200);
  CHECK(body_of(requeued) == json({{"job_id", "dead1"}, {"status", "queued"}, {"status_url", "/jobs/dead1"}}));
  auto done = poll_json(client, "/jobs/dead1", [](const json& body) { return body["status"] == "success"; }, 60);
  CHECK(done["status"] == "success");
  CHECK(fixture.redis.cli({"HGET", "task:dead1", "attempts"}) == "1");
  CHECK(body_of(client.Get("/dead-letters"))["total"] == 0);
  check_plain_error(client.Post("/dead-letters/dead1/requeue"), 404, "not_found",
                    "task dead1 is not on the dead-letter queue queue:video-service:dead");
}

TEST_CASE("with Redis down, the queue routes answer 503 instead of stale numbers", "[http][dashboard][redis]") {
  redis_http_fixture fixture;
  auto client = fixture.client();
  REQUIRE(body_of(client.Get("/queues"))["queues"]["dead"] == 0);
  fixture.redis.stop();
  for (const char* path : {"/queues", "/workers", "/dead-letters"}) {
    auto answer = client.Get(path);
    REQUIRE(answer);
    INFO(path << ": " << answer->body);
    CHECK(answer->status == 503);
    CHECK(json::parse(answer->body)["error"]["code"] == "unavailable");
  }
}
