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

#include <csignal>
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
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(5));
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
  // Two clients that send half a request hold both connection slots...
  raw_connection slow_a(server.port);
  raw_connection slow_b(server.port);
  REQUIRE(slow_a.send_text("GET /health HTTP/1.1\r\nHost: x\r\n"));
  REQUIRE(slow_b.send_text("GET /health HTTP/1.1\r\nHost: x\r\n"));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  // ...so a third is answered 503 at once, with Retry-After.
  raw_connection third(server.port);
  REQUIRE(third.send_text("GET /health HTTP/1.1\r\nHost: x\r\n\r\n"));
  auto refused = third.read_response(std::chrono::seconds(5));
  REQUIRE(refused);
  CHECK(refused->status == 503);
  CHECK(refused->header("Retry-After") == "5");
  // HTTP_REQUEST_TIMEOUT_SECONDS: the slow ones get 408 and go, freeing the slots.
  auto timed_out = slow_a.read_response(std::chrono::seconds(10));
  REQUIRE(timed_out);
  CHECK(timed_out->status == 408);
  CHECK(slow_b.closed_by_server(std::chrono::seconds(10)));
  auto health = server.get("/health");
  REQUIRE(health);
  CHECK(health->status == 200);
}

