// Standalone `video-service serve` keeps its jobs in OUTPUT_DIR/jobs.sqlite:
// real processes killed (SIGKILL) or stopped (SIGTERM) mid-render and
// started again on the same folder, with real renders and real MP4s decoded.
#include "tests/app/serve_http.hpp"
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
#include <filesystem>
#include <fstream>
#include <thread>

using namespace vs::test;
using nlohmann::json;

namespace {

/// One OUTPUT_DIR that serve processes come and go on, one at a time.
struct durable_service {
  temp_dir dir;
  std::map<std::string, std::string> environment{{"MAX_CONCURRENT_JOBS", "1"}};
  std::string grace_seconds = "0";
  int port = 0;
  int starts = 0;
  std::unique_ptr<child_process> process;

  durable_service() {
    std::filesystem::create_directories(dir.file("out"));
    write_test_audio(dir.file("out/voice.mp3"), 6.0);
    write_test_audio(dir.file("out/short.mp3"), 2.0);
    write_test_png(dir.file("out/a.png"), 1024, 1024, 3, 0);
    write_test_png(dir.file("out/b.png"), 1024, 1024, 3, 1);
  }

  std::string log_path(int start) const { return dir.file("serve-" + std::to_string(start) + ".log"); }

  void start() {
    port = free_port();
    ++starts;
    process = std::make_unique<child_process>(
      std::vector<std::string>{video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                               "--output-dir", dir.file("out"), "--grace-seconds", grace_seconds},
      environment, log_path(starts));
    for (int i = 0; i < 400 && !get("/health"); ++i)
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    INFO(process->log());
    REQUIRE(get("/health"));
  }

  /// Ends the running process with `signal` and waits for it.
  int stop(int signal) {
    process->signal(signal);
    auto code = process->wait(std::chrono::seconds(60));
    REQUIRE(code.has_value());
    return *code;
  }

  httplib::Result get(const std::string& path) const {
    httplib::Client client("127.0.0.1", port);
    client.set_read_timeout(std::chrono::seconds(20));
    return client.Get(path.c_str());
  }

  json get_json(const std::string& path) const {
    auto answer = get(path);
    REQUIRE(answer);
    INFO(path << ": " << answer->body);
    REQUIRE(answer->status == 200);
    return json::parse(answer->body);
  }

  std::string submit(const json& body) const { return submit_job(port, body); }

  /// Long enough (720p, 6 s: seconds of rendering) to be caught while rendering.
  std::string submit_slow() const {
    return submit({{"audio_path", dir.file("out/voice.mp3")},
                   {"image_paths", {dir.file("out/a.png"), dir.file("out/b.png")}},
                   {"resolution", "1280x720"},
                   {"preset", "veryfast"}});
  }

  /// Small and fast (240p, 2 s), with a poster.
  std::string submit_quick() const {
    return submit({{"audio_path", dir.file("out/short.mp3")},
                   {"image_paths", {dir.file("out/b.png"), dir.file("out/a.png")}},
                   {"resolution", "320x240"},
                   {"preset", "ultrafast"},
                   {"poster", true}});
  }

  json wait_for_state(const std::string& id, const std::string& state) const {
    json job;
    for (int i = 0; i < 2400; ++i) {
      job = get_json("/jobs/" + id);
      if (job["status"] == state)
        return job;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    FAIL("job " << id << " never became " << state << ": " << job.dump());
    return job;
  }

  void wait_until_rendering(const std::string& id) const {
    for (int i = 0; i < 1200; ++i) {
      json job = get_json("/jobs/" + id);
      if (job["status"] == "processing" && job["frames_done"].get<int>() > 0)
        return;
      std::this_thread::sleep_for(std::chrono::milliseconds(25));
    }
    FAIL("job " + id + " never started rendering");
  }

  std::vector<std::string> video_files() const {
    std::vector<std::string> names;
    for (const auto& entry : std::filesystem::directory_iterator(dir.file("out/video")))
      names.push_back(entry.path().filename().string());
    std::sort(names.begin(), names.end());
    return names;
  }

  /// Downloads /jobs/{id}/video, decodes it and returns its frame count.
  size_t downloaded_frames(const std::string& id) const {
    auto video = get("/jobs/" + id + "/video");
    REQUIRE(video);
    REQUIRE(video->status == 200);
    const std::string copy = dir.file("download-" + id + ".mp4");
    write_bytes(copy, video->body);
    return decode_frames(copy).size();
  }
};

std::vector<std::string> listed_ids(const json& list) {
  std::vector<std::string> ids;
  for (const auto& job : list["jobs"])
    ids.push_back(job["job_id"]);
  return ids;
}

/// A standalone serve on `output_dir` that is expected to refuse to start:
/// its exit code and output.
command_output serve_refusing(const std::string& output_dir) {
  return capture_command(video_service_binary() + " serve --host 127.0.0.1 --port " + std::to_string(free_port()) +
                         " --output-dir " + shell_quote(output_dir));
}

/// A temp OUTPUT_DIR holding `name`: 8 KB that are no SQLite database.
std::string junk_file_in(const temp_dir& dir, const std::string& name) {
  std::filesystem::create_directories(dir.file("out"));
  const std::string path = dir.file("out/" + name);
  write_bytes(path, std::string(8192, '\x5a'));
  return path;
}

} // namespace

TEST_CASE("after SIGKILL mid-render, a restart serves the finished job, renders the killed one again and the "
          "queued ones in order",
          "[serve][store]") {
  durable_service service;
  service.start();
  const std::string finished = service.submit_quick();
  json finished_before = service.wait_for_state(finished, "success");
  const std::string killed = service.submit_slow();
  const std::string second = service.submit_quick();
  const std::string third = service.submit_quick();
  service.wait_until_rendering(killed);
  CHECK(service.get_json("/jobs/" + second)["status"] == "queued");
  json killed_before = service.get_json("/jobs/" + killed);
  CHECK(service.stop(SIGKILL) == 128 + SIGKILL);
  // What the killed render wrote is a partial file, never the result.
  for (const auto& name : service.video_files())
    CHECK(name.rfind(killed, 0) != 0);

  service.start();
  // The finished job: the same snapshot, its video and poster still served.
  CHECK(service.get_json("/jobs/" + finished) == finished_before);
  CHECK(service.downloaded_frames(finished) == finished_before["result"]["frames"].get<size_t>());
  auto poster = service.get("/jobs/" + finished + "/poster");
  REQUIRE(poster);
  CHECK(poster->status == 200);
  CHECK(poster->get_header_value("Content-Type") == "image/jpeg");
  // It ended: it cannot be cancelled; an id nobody knows is still a 404.
  httplib::Client client("127.0.0.1", service.port);
  auto cancel = client.Delete(("/jobs/" + finished).c_str());
  REQUIRE(cancel);
  CHECK(cancel->status == 409);
  CHECK(json::parse(cancel->body)["error"]["message"] == "job " + finished + " already ended (success)");
  auto unknown = service.get("/jobs/0000000000000000");
  REQUIRE(unknown);
  CHECK(unknown->status == 404);

  json third_job = service.wait_for_state(third, "success");
  json killed_job = service.get_json("/jobs/" + killed);
  json second_job = service.get_json("/jobs/" + second);
  CHECK(killed_job["status"] == "success");
  CHECK(second_job["status"] == "success");
  // Started again in their original order: the killed one first.
  CHECK(killed_job["started_at"].get<std::string>() < second_job["started_at"].get<std::string>());
  CHECK(second_job["started_at"].get<std::string>() < third_job["started_at"].get<std::string>());
  CHECK(killed_job["created_at"] == killed_before["created_at"]);
  auto rendered = probe_mp4(service.dir.file("out/video/" + killed + ".mp4"));
  CHECK(rendered.video.width == 1280);
  CHECK(rendered.video.duration == Approx(6.0).margin(1.0 / 24));
  CHECK(service.downloaded_frames(killed) == killed_job["result"]["frames"].get<size_t>());
  // The killed render's partial file was swept at start-up.
  std::vector<std::string> results{finished + ".jpg", finished + ".mp4", killed + ".mp4", second + ".jpg",
                                   second + ".mp4",   third + ".jpg",    third + ".mp4"};
  std::sort(results.begin(), results.end());
  CHECK(service.video_files() == results);
  CHECK(listed_ids(service.get_json("/jobs")) == std::vector<std::string>{third, second, killed, finished});
  CHECK(listed_ids(service.get_json("/jobs?state=success&limit=2")) == std::vector<std::string>{third, second});
  CHECK(service.process->log().find("job store " + service.dir.file("out/jobs.sqlite") +
                                    ": 1 finished jobs kept (0 pruned), 3 queued jobs resume (1 of them were "
                                    "rendering and start again)") != std::string::npos);
  CHECK(service.stop(SIGTERM) == 0);
}

TEST_CASE("after SIGTERM with no grace, a restart renders the stopped job and the queued one, no attempt counted",
          "[serve][store]") {
  durable_service service;
  service.environment["MAX_ATTEMPTS"] = "1";
  service.start();
  const std::string stopped = service.submit_slow();
  const std::string queued = service.submit_quick();
  service.wait_until_rendering(stopped);
  CHECK(service.stop(SIGTERM) == 0);
  CHECK(service.video_files().empty());

  service.start();
  // MAX_ATTEMPTS 1 would fail a job that had been killed once: a shutdown is no kill.
  json queued_job = service.wait_for_state(queued, "success");
  json stopped_job = service.get_json("/jobs/" + stopped);
  CHECK(stopped_job["status"] == "success");
  CHECK(stopped_job["started_at"].get<std::string>() < queued_job["started_at"].get<std::string>());
  CHECK(service.downloaded_frames(stopped) == 144);
  CHECK(listed_ids(service.get_json("/jobs")) == std::vector<std::string>{queued, stopped});
  CHECK(service.process->log().find("2 queued jobs resume (0 of them were rendering and start again)") !=
        std::string::npos);
  CHECK(service.stop(SIGTERM) == 0);
}

TEST_CASE("a job that was rendering each time the process was killed fails after MAX_ATTEMPTS, naming it",
          "[serve][store]") {
  durable_service service;
  service.environment["MAX_ATTEMPTS"] = "2";
  service.start();
  const std::string doomed = service.submit_slow();
  service.wait_until_rendering(doomed);
  CHECK(service.stop(SIGKILL) == 128 + SIGKILL);
  service.start();
  service.wait_until_rendering(doomed);
  CHECK(service.stop(SIGKILL) == 128 + SIGKILL);
  service.start();
  json job = service.get_json("/jobs/" + doomed);
  CHECK(job["status"] == "failed");
  CHECK(job["error"]["code"] == "internal");
  CHECK(job["error"]["message"] == "job " + doomed + " gave up after 2 attempts: the service stopped (killed or "
                                                      "crashed) while it rendered, each time (MAX_ATTEMPTS 2)");
  // The service itself goes on.
  const std::string next = service.submit_quick();
  service.wait_for_state(next, "success");
  CHECK(service.stop(SIGTERM) == 0);
}

TEST_CASE("a job store that is no SQLite database stops serve from starting, naming the file", "[serve][store]") {
  temp_dir dir;
  const std::string store = junk_file_in(dir, "jobs.sqlite");
  auto started = serve_refusing(dir.file("out"));
  CHECK(started.exit_code == 1);
  CHECK(started.err == "video-service serve: the job store " + store +
                         " (JOB_STORE_PATH) is not an SQLite database (switching to write-ahead logging: file is not "
                         "a database): move it aside to start with an empty job history\n");
  // Left alone for whoever looks into it.
  CHECK(std::filesystem::file_size(store) == 8192);
}

TEST_CASE("a webhook outbox that is no SQLite database stops serve, naming the file", "[serve][store][webhooks]") {
  temp_dir dir;
  const std::string outbox = junk_file_in(dir, "jobs-webhooks.sqlite");
  auto started = serve_refusing(dir.file("out"));
  CHECK(started.exit_code == 1);
  CHECK(started.err == "video-service serve: the webhook outbox " + outbox +
                         " (JOB_STORE_PATH) is not an SQLite database (switching to write-ahead logging: file is not "
                         "a database): move it aside to start with no pending webhooks\n");
  CHECK(std::filesystem::file_size(outbox) == 8192);
  // The job store beside it was opened and closed again, whole.
  CHECK(std::filesystem::exists(dir.file("out/jobs.sqlite")));
}

TEST_CASE("a second standalone serve on the same OUTPUT_DIR exits 1 instead of running the same jobs",
          "[serve][store]") {
  durable_service service;
  service.start();
  auto second = serve_refusing(service.dir.file("out"));
  CHECK(second.exit_code == 1);
  CHECK(second.err == "video-service serve: the job store " + service.dir.file("out/jobs.sqlite") +
                        " (JOB_STORE_PATH) is in use by another process (another video-service serve on the same "
                        "OUTPUT_DIR?): switching to write-ahead logging: database is locked\n");
  CHECK(service.get_json("/health")["status"] == "healthy");
  CHECK(service.stop(SIGTERM) == 0);
}

TEST_CASE("JOB_STORE_PATH puts the job store elsewhere, and with Redis none is opened", "[serve][store]") {
  durable_service service;
  service.environment["JOB_STORE_PATH"] = service.dir.file("state/video-jobs.db");
  service.start();
  const std::string id = service.submit_quick();
  service.wait_for_state(id, "success");
  CHECK(service.stop(SIGTERM) == 0);
  CHECK(std::filesystem::exists(service.dir.file("state/video-jobs.db")));
  CHECK_FALSE(std::filesystem::exists(service.dir.file("out/jobs.sqlite")));
  service.start();
  CHECK(service.get_json("/jobs/" + id)["status"] == "success");
  CHECK(service.stop(SIGTERM) == 0);

  redis_server redis;
  durable_service with_redis;
  with_redis.environment["REDIS_URL"] = redis.url();
  with_redis.start();
  const std::string redis_job = with_redis.submit_quick();
  with_redis.wait_for_state(redis_job, "success");
  CHECK(with_redis.stop(SIGTERM) == 0);
  for (const auto& entry : std::filesystem::directory_iterator(with_redis.dir.file("out")))
    CHECK(entry.path().filename().string().find("jobs.sqlite") == std::string::npos);
}
