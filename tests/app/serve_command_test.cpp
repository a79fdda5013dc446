// `video-service serve` as a process: start, serve, stop on SIGTERM.
#include "tests/api/raw_http.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include <algorithm>
#include <csignal>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <filesystem>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

struct served {
  temp_dir dir;
  int port = free_port();
  std::unique_ptr<child_process> process;

  explicit served(const std::string& grace_seconds, std::map<std::string, std::string> environment = {}) {
    std::filesystem::create_directories(dir.file("out"));
    process = std::make_unique<child_process>(
      std::vector<std::string>{video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                               "--output-dir", dir.file("out"), "--grace-seconds", grace_seconds},
      std::move(environment), dir.file("serve.log"));
    for (int i = 0; i < 200 && !get("/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    REQUIRE(get("/health"));
  }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    return client.Get(path.c_str());
  }

  /// Submits a job long enough (720p, x264 "slow") to be caught while running.
  std::string submit_slow_job() const {
    write_test_audio(dir.file("out/voice.mp3"), 6.0);
    write_test_png(dir.file("out/a.png"), 1024, 1024, 3, 0);
    write_test_png(dir.file("out/b.png"), 1024, 1024, 3, 1);
    json body{{"audio_path", dir.file("out/voice.mp3")},
              {"image_paths", {dir.file("out/a.png"), dir.file("out/b.png")}},
              {"resolution", "1280x720"},
              {"preset", "slow"}};
    httplib::Client client("127.0.0.1", port);
    auto posted = client.Post("/jobs", body.dump(), "application/json");
    REQUIRE(posted);
    REQUIRE(posted->status == 202);
    return json::parse(posted->body)["job_id"];
  }

  void wait_until_processing(const std::string& id) const {
    for (int i = 0; i < 400; ++i) {
      auto job = get("/jobs/" + id);
      if (job && json::parse(job->body)["frames_done"].get<int>() > 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("job " + id + " never started rendering");
  }

  std::vector<std::string> output_files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("out/video")))
      names.push_back(entry.path().filename().string());
    return names;
  }
};

} // namespace

TEST_CASE("SIGTERM lets a running job finish and exits 0", "[serve]") {
  served service("60");
  std::string id = service.submit_slow_job();
  service.wait_until_processing(id);
  service.process->signal(SIGTERM);
  auto code = service.process->wait(std::chrono::seconds(120));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  auto info = probe_mp4(service.dir.file("out/video/" + id + ".mp4"));
  CHECK(info.video.width == 1280);
  CHECK(info.video.duration == Approx(6.0).margin(1.0 / 24));
  CHECK(service.output_files() == std::vector<std::string>{id + ".mp4"});
}

TEST_CASE("SIGTERM with no grace cancels the running job and leaves no files", "[serve]") {
  served service("0");
  std::string id = service.submit_slow_job();
  service.wait_until_processing(id);
  auto start = std::chrono::steady_clock::now();
  service.process->signal(SIGTERM);
  auto code = service.process->wait(std::chrono::seconds(20));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(10));
  CHECK(service.output_files().empty());
}

TEST_CASE("a bad configuration exits 2 naming the setting", "[serve]") {
  temp_dir dir;
  auto by_env = capture_command("VIDEO_SERVICE_PORT=abc " + video_service_binary() + " serve --output-dir " +
                                shell_quote(dir.path().string()));
  CHECK(by_env.exit_code == 2);
  CHECK(by_env.err.find("VIDEO_SERVICE_PORT must be an integer, not 'abc'") != std::string::npos);
  auto by_option = capture_command(video_service_binary() + " serve --port 70000 --output-dir " +
                                   shell_quote(dir.path().string()));
  CHECK(by_option.exit_code == 2);
  CHECK(by_option.err.find("1..65535") != std::string::npos);
  // Issue 7, defect 14: this used to wrap around and listen on port 8004.
  auto wrapped = capture_command("VIDEO_SERVICE_PORT=4294975300 " + video_service_binary() + " serve --output-dir " +
                                 shell_quote(dir.path().string()));
  CHECK(wrapped.exit_code == 2);
  CHECK(wrapped.err.find("VIDEO_SERVICE_PORT must be 1..65535, not 4294975300") != std::string::npos);
  auto wrapped_option = capture_command(video_service_binary() + " serve --port 4294975300 --output-dir " +
                                        shell_quote(dir.path().string()));
  CHECK(wrapped_option.exit_code == 2);
  CHECK(wrapped_option.err.find("--port must be 1..65535, not 4294975300") != std::string::npos);
  auto junk = capture_command("MAX_JOB_MEMORY_MB=2g " + video_service_binary() + " serve --output-dir " +
                              shell_quote(dir.path().string()));
  CHECK(junk.exit_code == 2);
  CHECK(junk.err.find("MAX_JOB_MEMORY_MB must be an integer, not '2g'") != std::string::npos);
  auto bad_redis = capture_command("REDIS_URL=http://nowhere " + video_service_binary() + " serve --output-dir " +
                                   shell_quote(dir.path().string()));
  CHECK(bad_redis.exit_code == 2);
  CHECK(bad_redis.err.find("REDIS_URL 'http://nowhere': must start with redis://") != std::string::npos);
  auto connections = capture_command(video_service_binary() + " serve --http-max-connections 5000 --output-dir " +
                                     shell_quote(dir.path().string()));
  CHECK(connections.exit_code == 2);
  CHECK(connections.err.find("--http-max-connections must be 1..900, not 5000") != std::string::npos);
}

TEST_CASE("serve takes its HTTP limits from the environment", "[app][serve][http]") {
  // 3 s: long enough that the slow clients still hold their slots when the
  // third arrives on a loaded machine, short enough to watch them dropped.
  served server("1", {{"HTTP_MAX_CONNECTIONS", "2"}, {"HTTP_REQUEST_TIMEOUT_SECONDS", "3"}});
  // Two clients that send half a request hold both connection slots, so a
  // third is answered 503 at once, with Retry-After. Two races on a loaded
  // machine, both seen in CI:
  // - the readiness probe's connection can still hold a slot while it
  //   closes, so a slow client is refused (503) and the probe's slot then
  //   serves the third (200): a refused slow client is replaced;
  // - the server can take the third before it has counted the slow ones:
  //   the third asks again.
  // The slow ones are dropped after 3 s, so the asking stops after 2.
  const std::string half_request = "GET /health HTTP/1.1\r\nHost: x\r\n";
  std::vector<std::unique_ptr<raw_connection>> slow;
  std::optional<raw_response> refused;
  const auto asking_until = std::chrono::steady_clock::now() + std::chrono::milliseconds(2000);
  do {
    slow.erase(std::remove_if(slow.begin(), slow.end(),
                              [](auto& client) { return client->read_response(std::chrono::milliseconds(10)).has_value(); }),
               slow.end());
    while (slow.size() < 2) {
      slow.push_back(std::make_unique<raw_connection>(server.port));
      REQUIRE(slow.back()->send_text(half_request));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    raw_connection third(server.port);
    REQUIRE(third.send_text("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"));
    refused = third.read_response(std::chrono::seconds(5));
    REQUIRE(refused);
  } while (refused->status != 503 && std::chrono::steady_clock::now() < asking_until);
  CHECK(refused->status == 503);
  CHECK(refused->header("Retry-After") == "5");
  // HTTP_REQUEST_TIMEOUT_SECONDS: the slow ones get 408 and go, freeing the slots.
  auto timed_out = slow[0]->read_response(std::chrono::seconds(10));
  REQUIRE(timed_out);
  CHECK(timed_out->status == 408);
  CHECK(slow[1]->closed_by_server(std::chrono::seconds(10)));
  auto health = server.get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}


TEST_CASE("serve takes its upload limit and age from the environment", "[app][serve][uploads]") {
  served server("1", {{"UPLOAD_MAX_MB", "1"}, {"UPLOAD_MAX_AGE_HOURS", "2"}});
  auto refused = raw_exchange(server.port, "POST /uploads HTTP/1.1\r\nHost: x\r\nContent-Length: 1048577\r\n\r\n");
  REQUIRE(refused);
  CHECK(refused->status == 413);
  CHECK(json::parse(refused->body)["error"]["message"] ==
        "the upload is larger than the limit of 1 MiB (1048576 bytes; UPLOAD_MAX_MB)");
  write_test_png(server.dir.file("slide.png"), 64, 48);
  std::ifstream in(server.dir.file("slide.png"), std::ios::binary);
  const std::string png((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  httplib::Client client("127.0.0.1", server.port);
  auto stored = client.Post("/uploads?filename=slide.png", png, "image/png");
  REQUIRE(stored);
  INFO(stored->body);
  REQUIRE(stored->status == 201);
  json upload = json::parse(stored->body);
  const std::string folder = std::filesystem::canonical(server.dir.file("out/uploads")).string();
  CHECK(upload["path"] == folder + "/" + upload["id"].get<std::string>());
  CHECK(std::filesystem::exists(upload["path"].get<std::string>()));
  const int64_t now_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                             std::chrono::system_clock::now().time_since_epoch()).count();
  CHECK(std::abs(upload["expires_at_ms"].get<int64_t>() - (now_ms + 2 * 3600 * 1000)) < 60'000);
}

TEST_CASE("a second serve on a taken port exits 1 with address in use", "[serve]") {
  // httplib set SO_REUSEPORT: both processes "listened" and the kernel split
  // requests between them, so half of them met a server without the job.
  served first("1");
  temp_dir other;
  child_process second({video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(first.port),
                        "--output-dir", other.file("out")},
                       {}, other.file("serve.log"));
  auto code = second.wait(std::chrono::seconds(20));
  INFO(second.log());
  REQUIRE(code.has_value());
  CHECK(*code == 1);
  CHECK(second.log().find("video-service serve: cannot listen on 127.0.0.1:" + std::to_string(first.port) +
                          ": address in use (another process listens on this port)\n") != std::string::npos);
  // The first one still answers every request.
  for (int i = 0; i < 20; ++i) {
    auto health = first.get("/health");
    REQUIRE(health);
    CHECK(health->status == 200);
  }
}

TEST_CASE("serve creates a missing OUTPUT_DIR and takes relative folders against its working folder", "[serve]") {
  temp_dir dir;
  // Relative and three levels missing: made, and named absolutely.
  child_process process({"/bin/sh", "-c",
                         "cd " + shell_quote(dir.path().string()) + " && exec " + shell_quote(video_service_binary()) +
                             " serve --host 127.0.0.1 --port " + std::to_string(free_port()) +
                             " --output-dir new/out/here"},
                        {}, dir.file("serve.log"));
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::chrono::steady_clock::now() < deadline && process.log().find("listening on") == std::string::npos)
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  INFO(process.log());
  CHECK(std::filesystem::is_directory(dir.file("new/out/here/video")));
  CHECK(process.log().find("results in " + dir.file("new/out/here") + "/video") != std::string::npos);
  process.signal(SIGTERM);
  CHECK(process.wait(std::chrono::seconds(20)) == std::optional<int>(0));
}

TEST_CASE("serve exits 1 naming OUTPUT_DIR when the folder cannot be made", "[serve]") {
  temp_dir dir;
  write_bytes(dir.file("a-file"), "x");
  auto blocked = capture_command(video_service_binary() + " serve --port " + std::to_string(free_port()) +
                                 " --output-dir " + shell_quote(dir.file("a-file/out")));
  CHECK(blocked.exit_code == 1);
  CHECK(blocked.err == "video-service serve: cannot create the output folder " + dir.file("a-file/out") +
                           " (OUTPUT_DIR or --output-dir): Not a directory\n");
}

TEST_CASE("while draining after SIGTERM /ready is 503 and /health still 200", "[serve][ready]") {
  served service("60");
  auto ready = service.get("/ready");
  REQUIRE(ready);
  CHECK(ready->status == 200);
  std::string id = service.submit_slow_job();
  service.wait_until_processing(id);
  service.process->signal(SIGTERM);
  // The running job has its grace period: the process answers, but a load
  // balancer must send new work elsewhere.
  int status = 0;
  std::string body;
  for (int i = 0; i < 200 && status != 503; ++i) {
    auto answer = service.get("/ready");
    status = answer ? answer->status : 0;
    body = answer ? answer->body : "";
    if (status != 503)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  CHECK(status == 503);
  CHECK(body == R"({"error":{"code":"unavailable","message":"the service is stopping and takes no new jobs"}})");
  auto health = service.get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
  auto code = service.process->wait(std::chrono::seconds(120));
  REQUIRE(code.has_value());
  CHECK(*code == 0);
}

TEST_CASE("video-service --version prints the version /health reports", "[serve][version]") {
  auto version = capture_command(video_service_binary() + " --version");
  CHECK(version.exit_code == 0);
  CHECK(version.out == std::string("video-service ") + VS_VERSION + "\n");
  CHECK(std::string(VS_VERSION).find_first_not_of("0123456789.") == std::string::npos);
  served service("1");
  auto health = service.get("/health");
  REQUIRE(health);
  CHECK(json::parse(health->body)["version"] == VS_VERSION);
}

TEST_CASE("LOG_FORMAT=json makes every log line of serve a JSON object", "[serve][log]") {
  std::string log;
  {
    served service("1", {{"LOG_FORMAT", "json"}});
    REQUIRE(service.get("/health"));
    REQUIRE(service.get("/jobs/unknown"));
    service.process->signal(SIGTERM);
    REQUIRE(service.process->wait(std::chrono::seconds(20)) == std::optional<int>(0));
    log = service.process->log();
  }
  std::istringstream lines(log);
  std::string line;
  int requests = 0;
  int count = 0;
  while (std::getline(lines, line)) {
    INFO(line);
    json entry = json::parse(line);  // throws, and fails the test, on anything else
    ++count;
    if (entry.value("path", "") == "/jobs/unknown") {
      ++requests;
      CHECK(entry["method"] == "GET");
      CHECK(entry["status"] == 404);
    }
  }
  CHECK(count >= 4);
  CHECK(requests == 1);
}
