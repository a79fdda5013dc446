#pragma once
/// The pipeline around real `video-service serve` worker processes: a real
/// redis-server, the shared output tree, upstream tasks written the way the
/// processing service writes them (PROTOCOL.md), and polling helpers.

#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <chrono>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>

namespace vs::test {

/// Slow enough (720p, x264 "slow") that a test can act while it renders.
inline const std::string slow_params = R"({"fps":24,"resolution":"1280x720","preset":"slow"})";

/// GET `path` from a worker's HTTP API, for polling: the body if the
/// status is 200, else null (no assertion).
inline nlohmann::json poll_json(int port, const std::string& path) {
  httplib::Client client("127.0.0.1", port);
  client.set_read_timeout(10, 0);
  auto response = client.Get(path.c_str());
  if (!response || response->status != 200)
    return nullptr;
  return nlohmann::json::parse(response->body);
}

class pipeline_fixture {
public:
  explicit pipeline_fixture(bool append_only = false) : redis(append_only) {
    std::filesystem::create_directories(dir.path() / "out" / "voice");
    std::filesystem::create_directories(dir.path() / "out" / "images");
  }

  std::string output_dir() const { return dir.file("out"); }

  /// Starts a worker; `extra` overrides the environment.
  std::unique_ptr<child_process> start_worker(const std::string& name,
                                              std::map<std::string, std::string> extra = {}) {
    std::map<std::string, std::string> env{
      {"REDIS_URL", redis.url()},           {"OUTPUT_DIR", output_dir()},
      {"WORKER_ID", name},                  {"WORKER_LEASE_SECONDS", "1"},
      {"VIDEO_SERVICE_HOST", "127.0.0.1"},  {"VIDEO_SERVICE_PORT", std::to_string(free_port())},
      {"MAX_CONCURRENT_JOBS", "1"},         {"SHUTDOWN_GRACE_SECONDS", "30"}};
    for (auto& [key, value] : extra)
      env[key] = value;
    return std::make_unique<child_process>(std::vector<std::string>{video_service_binary(), "serve"}, env,
                                           dir.file(name + ".log"));
  }

  /// A finished voice task and finished slide tasks, files included: the
  /// voice's result_ref is absolute, the slides' are bare file names (some
  /// producers do that). Returns the slide ids.
  std::vector<std::string> upstream(const std::string& prefix, double seconds, int slides = 2) {
    std::string audio = output_dir() + "/voice/audio_" + prefix + ".mp3";
    write_test_audio(audio, seconds);
    hset(prefix + "-voice", {{"service", "voice-service"}, {"name", "CreateVoice"}, {"status", "success"},
                             {"result_ref", audio}});
    std::vector<std::string> ids;
    for (int i = 0; i < slides; ++i) {
      std::string name = "image_" + prefix + std::to_string(i) + ".png";
      write_test_png(output_dir() + "/images/" + name, 1024, 1024, 3, i);
      std::string id = prefix + "-slide" + std::to_string(i);
      hset(id, {{"service", "image-service"}, {"name", "CreateSlide"}, {"status", "success"}, {"result_ref", name}});
      ids.push_back(id);
    }
    return ids;
  }

  /// A video task as the processing service writes it, with one consumer
  /// (`{id}-upload`, waiting on this task alone).
  void video_task(const std::string& id, const std::string& voice, const std::vector<std::string>& slides,
                  const std::string& params = R"({"fps":12,"resolution":"320x180"})") {
    std::string slide_list = "[";
    for (size_t i = 0; i < slides.size(); ++i)
      slide_list += (i > 0 ? "," : "") + ("\"" + slides[i] + "\"");
    slide_list += "]";
    hset(id + "-upload", {{"service", "upload-service"}, {"name", "Upload"}, {"status", "pending"}, {"queue", "1"}});
    hset(id, {{"id", id},
              {"scenario_id", "57510f0b"},
              {"service", "video-service"},
              {"name", "CreateVideoFromSlides"},
              {"queue", "0"},
              {"status", "pending"},
              {"consumers", "[\"" + id + "-upload\"]"},
              {"slide_ids", slide_list},
              {"voice_track_id", voice},
              {"params", params},
              {"created_at", "2025-06-26T22:36:42.354215"},
              {"updated_at", "2025-06-26T22:36:42.354215"},
              {"custom_field", "kept"}});
  }

  void push(const std::string& id) { redis.cli({"LPUSH", "queue:video-service", id}); }

  void hset(const std::string& id, const std::map<std::string, std::string>& fields) {
    std::vector<std::string> args{"HSET", "task:" + id};
    for (const auto& [name, value] : fields) {
      args.push_back(name);
      args.push_back(value);
    }
    redis.cli(args);
  }

  std::string field(const std::string& id, const std::string& name) const {
    return redis.cli({"HGET", "task:" + id, name});
  }

  /// Polls `condition` every 50 ms; false if it never held within `timeout`.
  static bool eventually(const std::function<bool()>& condition,
                         std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition())
        return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return condition();
  }

  bool status_becomes(const std::string& id, const std::string& status,
                      std::chrono::milliseconds timeout = std::chrono::seconds(60)) const {
    return eventually([&] { return field(id, "status") == status; }, timeout);
  }

  /// A new worker `name` rendering a slow task `id` (`seconds` long, with
  /// upstream tasks of its own, pushed now). Check is_processing_by(id,
  /// name) after: it waits for that, up to a minute.
  std::unique_ptr<child_process> worker_rendering(const std::string& id, const std::string& name, double seconds,
                                                  std::map<std::string, std::string> extra = {}) {
    auto slides = upstream(id, seconds);
    video_task(id, id + "-voice", slides, slow_params);
    auto worker = start_worker(name, std::move(extra));
    push(id);
    eventually([&] { return is_processing_by(id, name); });
    return worker;
  }

  /// The task is being rendered by `worker` (claimed, and past its first frames).
  bool is_processing_by(const std::string& id, const std::string& worker) const {
    return field(id, "status") == "processing" && field(id, "worker") == worker && field(id, "progress") != "0";
  }

  temp_dir dir;
  redis_server redis;
};

} // namespace vs::test
