// /openapi.json through a real OpenAPI 3.1 validator, and real answers of a
// real server through the schemas it documents (check_openapi.mjs, with the
// Node packages install-validator.sh put in VS_OPENAPI_TOOLS: ctest runs
// that first, and these tests are not run when it fails).

#include "api/openapi_document.hpp"

#include "tests/api/http_fixture.hpp"
#include "tests/support/process.hpp"

#include <chrono>
#include <deque>
#include <fstream>
#include <thread>

using namespace vs;
using nlohmann::json;

namespace {

const std::string tools_dir = VS_OPENAPI_TOOLS;
const std::string check_script = std::string(VS_SOURCE_DIR) + "/tests/openapi/check_openapi.mjs";

void write_json(const std::string& path, const json& value) {
  std::ofstream out(path);
  out << value.dump(1);
}

/// Runs check_openapi.mjs on `doc` (and `answers`, if any).
test::command_output check(const test::temp_dir& dir, const json& doc, const json& answers = nullptr) {
  write_json(dir.file("openapi.json"), doc);
  std::string command = "node " + test::shell_quote(check_script) + " " + test::shell_quote(tools_dir) + " " +
                        test::shell_quote(dir.file("openapi.json"));
  if (!answers.is_null()) {
    write_json(dir.file("answers.json"), answers);
    command += " " + test::shell_quote(dir.file("answers.json"));
  }
  return test::capture_command(command);
}

/// Real answers, each with the path template it was sent to.
class answer_log {
public:
  explicit answer_log(httplib::Client& client) : client_(client) {}

  const httplib::Result& get(const std::string& url, const std::string& path, const httplib::Headers& headers = {}) {
    return keep("get", path, client_.Get(url.c_str(), with_origin(headers)));
  }
  const httplib::Result& post(const std::string& url, const std::string& path, const std::string& body) {
    return keep("post", path, client_.Post(url.c_str(), with_origin({}), body, "application/json"));
  }
  const httplib::Result& remove(const std::string& url, const std::string& path) {
    return keep("delete", path, client_.Delete(url.c_str(), with_origin({})));
  }
  const httplib::Result& options(const std::string& url, const std::string& path, const httplib::Headers& headers) {
    return keep("options", path, client_.Options(url.c_str(), with_origin(headers)));
  }

  const json& answers() const { return answers_; }

private:
  /// Every request comes from an allowed page, so answers carry the CORS headers.
  static httplib::Headers with_origin(httplib::Headers headers) {
    headers.emplace("Origin", "https://app.example");
    return headers;
  }

  const httplib::Result& keep(const std::string& method, const std::string& path, httplib::Result result) {
    REQUIRE(result);
    json headers = json::object();
    for (const auto& [name, value] : result->headers)
      headers[name] = value;
    const std::string type = result->get_header_value("Content-Type");
    json body = type == "application/json" ? json::parse(result->body) : json(nullptr);
    answers_.push_back({{"method", method},
                        {"path", path},
                        {"status", result->status},
                        {"content_type", type},
                        {"headers", headers},
                        {"body", body}});
    results_.push_back(std::move(result));
    return results_.back();
  }

  httplib::Client& client_;
  json answers_ = json::array();
  std::deque<httplib::Result> results_;
};

json wait_until_done(httplib::Client& client, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  for (;;) {
    auto result = client.Get(("/jobs/" + id).c_str());
    REQUIRE(result);
    json job = json::parse(result->body);
    if (job.at("status") != "queued" && job.at("status") != "processing")
      return job;
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

} // namespace

TEST_CASE("the served document passes a real OpenAPI 3.1 validator and real answers match it", "[openapi]") {
  test::http_fixture server([](api::http_config& config) { config.cors_origins = {"https://app.example"}; });
  auto client = server.client();
  answer_log log(client);

  const json doc = json::parse(log.get("/openapi.json", "/openapi.json")->body);
  log.get("/health", "/health");
  log.get("/ready", "/ready");
  log.get("/metrics", "/metrics");

  json job = server.small_job();
  job["poster"] = true;
  job["captions"] = json::array({{{"start", 0}, {"end", 1.5}, {"text", "Hello"}}});
  const auto& accepted = log.post("/jobs", "/jobs", job.dump());
  REQUIRE(accepted->status == 202);
  const std::string id = json::parse(accepted->body).at("job_id");
  REQUIRE(wait_until_done(client, id).at("status") == "success");
  const std::string job_path = "/jobs/" + id;
  CHECK(log.get(job_path, "/jobs/{id}")->status == 200);
  CHECK(log.get("/jobs?limit=5", "/jobs")->status == 200);
  CHECK(log.get(job_path + "/video", "/jobs/{id}/video")->status == 200);
  CHECK(log.get(job_path + "/video", "/jobs/{id}/video", {{"Range", "bytes=0-99"}})->status == 206);
  CHECK(log.get(job_path + "/video", "/jobs/{id}/video", {{"Range", "bytes=0-9,20-29"}})->status == 206);
  CHECK(log.get(job_path + "/video", "/jobs/{id}/video", {{"Range", "bytes=999999999-"}})->status == 416);
  CHECK(log.get(job_path + "/poster", "/jobs/{id}/poster")->status == 200);
  CHECK(log.remove(job_path, "/jobs/{id}")->status == 409);

  // A job cancelled before it ends: 200 with the cancelled snapshot (or 409
  // if it was quicker); either is documented.
  json longer = server.small_job(20.0);
  const auto& queued = log.post("/jobs", "/jobs", longer.dump());
  REQUIRE(queued->status == 202);
  const std::string queued_id = json::parse(queued->body).at("job_id");
  log.remove("/jobs/" + queued_id, "/jobs/{id}");
  const int video_status = log.get("/jobs/" + queued_id + "/video", "/jobs/{id}/video")->status;
  CHECK((video_status == 409 || video_status == 200));

  CHECK(log.post("/generateVideo", "/generateVideo", server.small_job(1.0).dump())->status == 200);

  // Errors.
  CHECK(log.post("/jobs", "/jobs", R"({"resoluton": "640x360"})")->status == 422);
  CHECK(log.post("/jobs", "/jobs", "{\"fps\": ")->status == 400);
  json outside = server.small_job();
  outside["audio_path"] = "/etc/hostname";
  CHECK(log.post("/jobs", "/jobs", outside.dump())->status == 403);
  json missing = server.small_job();
  missing["audio_path"] = server.media("nowhere.mp3");
  CHECK(log.post("/generateVideo", "/generateVideo", missing.dump())->status == 404);
  CHECK(log.get("/jobs?limit=0", "/jobs")->status == 422);
  CHECK(log.get("/jobs/no-such-job", "/jobs/{id}")->status == 404);
  CHECK(log.remove("/jobs/no-such-job", "/jobs/{id}")->status == 404);
  CHECK(log.get("/tasks/voice-42", "/tasks/{id}")->status == 404);
  CHECK(log.options("/jobs", "/jobs", {{"Access-Control-Request-Method", "POST"}})->status == 204);
  CHECK(log.options("/jobs", "/jobs", {})->status == 204);
  // The dashboard and the views it reads (standalone: no Redis lists).
  CHECK(log.get(job_path + "/spec", "/jobs/{id}/spec")->status == 200);
  CHECK(log.get("/", "/")->status == 200);
  CHECK(log.get("/dashboard/dashboard.js", "/dashboard/{file}")->status == 200);
  CHECK(log.get("/dashboard/", "/dashboard")->status == 302);
  CHECK(log.get("/queues", "/queues")->status == 200);
  CHECK(log.get("/workers", "/workers")->status == 200);
  CHECK(log.get("/dead-letters", "/dead-letters")->status == 200);
  CHECK(log.get("/dead-letters?limit=0", "/dead-letters")->status == 422);
  CHECK(log.post("/dead-letters/4841187f/requeue", "/dead-letters/{id}/requeue", "")->status == 404);

  test::temp_dir dir;
  auto checked = check(dir, doc, log.answers());
  INFO(checked.out << checked.err);
  CHECK(checked.exit_code == 0);
  CHECK(checked.out.find("valid OpenAPI 3.1.0: ") == 0);
  CHECK(checked.out.find(" " + std::to_string(log.answers().size()) + " answers match") != std::string::npos);
  CHECK(log.answers().size() == 36);
}

TEST_CASE("the validator finds a broken document and an answer that does not match", "[openapi]") {
  const json doc = api::openapi_document("1.0.0");
  test::temp_dir dir;
  {
    auto checked = check(dir, doc);
    INFO(checked.out << checked.err);
    REQUIRE(checked.exit_code == 0);
  }
  {
    json broken = doc;
    broken.at("paths").at("/jobs/{id}").at("get").at("responses")["200"] = {
        {"description", "x"}, {"content", {{"application/json", {{"schema", {{"$ref", "#/components/schemas/Nothing"}}}}}}}};
    auto checked = check(dir, broken);
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 1);
    CHECK(checked.err.find("#/components/schemas/Nothing") != std::string::npos);
  }
  {
    json misspelt = doc;
    misspelt.at("components").at("schemas").at("Job").at("properties").at("fps")["minimun"] = 1;
    auto checked = check(dir, misspelt);
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 1);
    CHECK(checked.err.find("unknown keyword: \"minimun\"") != std::string::npos);
  }
  {
    json example = doc;
    example.at("components").at("requestBodies").at("Job").at("content").at("application/json").at("examples")
        .at("narrated").at("value")["resoluton"] = "640x360";
    auto checked = check(dir, example);
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 1);
    CHECK(checked.err.find("example narrated: the example does not match its schema") != std::string::npos);
  }
  {
    json snapshot = {{"job_id", "a"},         {"status", "queued"}, {"source", "http"},
                     {"progress", 0},         {"frames_done", 0},   {"frames_total", 0},
                     {"created_at", "2026-11-24T10:00:00.123Z"}};
    json answers = json::array();
    answers.push_back({{"method", "get"}, {"path", "/jobs/{id}"}, {"status", 200},
                       {"content_type", "application/json"}, {"body", snapshot}});
    snapshot["priority"] = 3;
    answers.push_back({{"method", "get"}, {"path", "/jobs/{id}"}, {"status", 200},
                       {"content_type", "application/json"}, {"body", snapshot}});
    answers.push_back({{"method", "get"}, {"path", "/jobs/{id}"}, {"status", 418},
                       {"content_type", "application/json"}, {"body", {{"error", "teapot"}}}});
    answers.push_back({{"method", "post"}, {"path", "/jobs"}, {"status", 202}, {"headers", json::object()},
                       {"content_type", "application/json"},
                       {"body", {{"job_id", "a"}, {"status", "queued"}, {"status_url", "/jobs/a"}}}});
    auto checked = check(dir, doc, answers);
    INFO(checked.out << checked.err);
    CHECK(checked.exit_code == 1);
    CHECK(checked.err.find("3 faults") != std::string::npos);
    CHECK(checked.err.find("GET /jobs/{id} -> 200: the body does not match the schema: data must NOT have "
                           "additional properties") != std::string::npos);
    CHECK(checked.err.find("GET /jobs/{id} -> 418: the status is not documented") != std::string::npos);
    CHECK(checked.err.find("POST /jobs -> 202: the required header Location is missing") != std::string::npos);
  }
}
