#pragma once
// Shared by the actor tests: small, fast inputs made on the spot and a job
// system whose output folder is a temporary directory.

#include "actors/job_service_facade.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace vs::test {

/// Narration plus three slides (square PNG, wide JPEG, tall PNG).
struct job_inputs {
  temp_dir dir;
  std::string audio;
  std::vector<std::string> images;

  explicit job_inputs(double seconds = 2.0) {
    audio = dir.file("voice.mp3");
    write_test_audio(audio, seconds);
    images = {dir.file("square.png"), dir.file("wide.jpg"), dir.file("tall.png")};
    write_test_png(images[0], 512, 512, 3, 0);
    write_test_jpeg(images[1], 768, 512, 1);
    write_test_png(images[2], 512, 768, 3, 2);
  }

  /// 320x180 at 12 fps, ultrafast: the properties under test do not depend on size.
  media::render_spec spec() const {
    media::render_spec spec;
    spec.audio_path = audio;
    spec.image_paths = images;
    spec.width = 320;
    spec.height = 180;
    spec.fps = 12;
    spec.preset = "ultrafast";
    spec.encoder_threads = 1;
    return spec;
  }
};

struct job_system_fixture {
  temp_dir output;
  std::unique_ptr<actors::job_system> system;

  explicit job_system_fixture(int max_concurrent = 2, int credits = 0, size_t max_finished = 1000) {
    actors::job_system_config config;
    config.max_concurrent_jobs = max_concurrent;
    config.credits_per_job = credits;
    config.max_finished_jobs = max_finished;
    start(config);
  }

  /// Any configuration; the output folder is the fixture's.
  explicit job_system_fixture(actors::job_system_config config) { start(std::move(config)); }

  void start(actors::job_system_config config) {
    config.output_dir = output.path().string();
    auto started = actors::start_job_system(config);
    REQUIRE(started);
    system = std::move(*started);
  }

  jobs::job_service& jobs() { return system->service(); }

  std::filesystem::path video_folder() const { return output.path() / "video"; }

  /// Files in the output folder whose name marks them as partial (of job
  /// `id` only, if given).
  std::vector<std::string> partial_files(const std::string& id = {}) const {
    std::vector<std::string> found;
    for (const auto& entry : std::filesystem::directory_iterator(video_folder())) {
      std::string name = entry.path().filename().string();
      if (name.find(".partial") != std::string::npos && name.find(id) != std::string::npos)
        found.push_back(entry.path().string());
    }
    return found;
  }

  jobs::job_snapshot wait_for(const std::string& id, std::chrono::seconds timeout = std::chrono::seconds(60)) {
    auto snapshot = jobs().wait(id, timeout);
    REQUIRE(snapshot);
    return *snapshot;
  }

  /// Submits `spec`, waits for the job to fail and returns why (the test
  /// fails if it is refused or ends any other way).
  vs::error submit_and_fail(const media::render_spec& spec) {
    auto id = jobs().submit(spec);
    REQUIRE(id);
    auto done = wait_for(*id);
    REQUIRE(done.state == jobs::job_state::failed);
    REQUIRE(done.failure);
    return *done.failure;
  }

  /// Polls until `id` reaches `state` (or fails the test after `timeout`).
  jobs::job_snapshot wait_state(const std::string& id, jobs::job_state state,
                               std::chrono::milliseconds timeout = std::chrono::seconds(30)) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    for (;;) {
      auto snapshot = jobs().find(id);
      REQUIRE(snapshot);
      if (snapshot->state == state || std::chrono::steady_clock::now() > deadline)
        return *snapshot;
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  }
};

} // namespace vs::test
