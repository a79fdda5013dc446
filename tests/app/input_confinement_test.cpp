// Input confinement against a real `video-service serve`: the media roots are
// enforced on the file a job actually opens, not only on the path checked
// when the request arrived.

#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
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
namespace fs = std::filesystem;

namespace {

struct confined_service {
  temp_dir dir;
  int port = free_port();
  std::unique_ptr<child_process> process;

  confined_service() {
    fs::create_directories(dir.file("media/slides"));
    fs::create_directories(dir.file("outside/slides"));
    fs::create_directories(dir.file("out"));
    // One job at a time, so a second job waits in the queue while the first renders.
    process = std::make_unique<child_process>(
      std::vector<std::string>{video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                               "--output-dir", dir.file("out"), "--media-roots", dir.file("media"),
                               "--max-concurrent-jobs", "1", "--grace-seconds", "0"},
      std::map<std::string, std::string>{}, dir.file("serve.log"));
    httplib::Client client("127.0.0.1", port);
    for (int i = 0; i < 400 && !client.Get("/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    REQUIRE(client.Get("/health"));
  }

  ~confined_service() {
    process->signal(SIGTERM);
    process->wait(std::chrono::seconds(20));
  }

  json get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    auto result = client.Get(path.c_str());
    REQUIRE(result);
    return json::parse(result->body);
  }

  std::string submit(const json& body) const {
    httplib::Client client("127.0.0.1", port);
    auto posted = client.Post("/jobs", body.dump(), "application/json");
    REQUIRE(posted);
    INFO(posted->body);
    REQUIRE(posted->status == 202);
    return json::parse(posted->body)["job_id"];
  }

  json wait_until_ended(const std::string& id) const {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (std::chrono::steady_clock::now() < deadline) {
      json job = get("/jobs/" + id);
      if (job["status"] != "queued" && job["status"] != "processing")
        return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("job " + id + " did not end");
    return {};
  }
};

} // namespace

TEST_CASE("a folder swapped for a symlink after submission cannot make a queued job read outside the roots",
          "[serve][roots]") {
  confined_service service;
  const temp_dir& dir = service.dir;
  write_test_audio(dir.file("media/voice.mp3"), 6.0);
  write_test_png(dir.file("media/busy.png"), 1024, 1024, 3, 0);
  write_test_png(dir.file("media/slides/a.png"), 256, 256, 3, 1);
  write_test_png(dir.file("outside/slides/a.png"), 256, 256, 3, 2);

  // The first job keeps the only slot busy.
  std::string busy = service.submit({{"audio_path", dir.file("media/voice.mp3")},
                                     {"image_paths", {dir.file("media/busy.png")}},
                                     {"resolution", "1280x720"},
                                     {"preset", "slow"}});
  // The second passes the submit-time check: its slide is inside the root.
  std::string sneaky = service.submit({{"audio_path", dir.file("media/voice.mp3")},
                                       {"image_paths", {dir.file("media/slides/a.png")}},
                                       {"resolution", "320x180"},
                                       {"preset", "ultrafast"}});
  REQUIRE(service.get("/jobs/" + sneaky)["status"] == "queued");
  // Before it runs, its folder becomes a symlink to a folder outside the root.
  fs::rename(dir.file("media/slides"), dir.file("media/slides.before"));
  fs::create_directory_symlink(dir.file("outside/slides"), dir.file("media/slides"));
  httplib::Client("127.0.0.1", service.port).Delete(("/jobs/" + busy).c_str());

  json job = service.wait_until_ended(sneaky);
  INFO(job.dump());
  CHECK(job["status"] == "failed");
  CHECK(job["error"]["code"] == "forbidden_path");
  // The job names the slide by the canonical path the submit check resolved.
  // Uploads are always an allowed folder of HTTP jobs (api/media_roots).
  const std::string root = fs::canonical(dir.file("media")).string();
  const std::string uploads = fs::canonical(dir.file("out/uploads")).string();
  CHECK(job["error"]["message"] ==
        "image " + root + "/slides/a.png is outside the allowed folders " + root + ", " + uploads);
  CHECK_FALSE(fs::exists(dir.file("out/video/" + sneaky + ".mp4")));
}
