// Partial output files against real processes: a render SIGKILLed mid-way
// leaves its temporary file, the next `serve` start removes it, and a partial
// that a live process is still writing survives that sweep. Two renders that
// are both PID 1 (as every container's main process is) write the same
// output without sharing a temporary file.

#include "media/output_file.hpp"
#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <httplib.h>

#include <csignal>
#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

using namespace vs::test;
namespace fs = std::filesystem;

namespace {

/// Partial files for `final_name` in `folder` (hidden, named after the final file).
std::vector<std::string> partials_of(const fs::path& folder, const std::string& final_name) {
  std::vector<std::string> names;
  for (const auto& entry : fs::directory_iterator(folder)) {
    std::string name = entry.path().filename().string();
    if (name.rfind("." + final_name + ".partial-", 0) == 0)
      names.push_back(name);
  }
  return names;
}

/// Inputs for a render that runs for a few seconds on a busy machine.
struct render_inputs {
  std::string audio;
  std::vector<std::string> images;

  explicit render_inputs(const temp_dir& dir) {
    audio = dir.file("voice.mp3");
    write_test_audio(audio, 6.0);
    images = {dir.file("a.png"), dir.file("b.png")};
    write_test_png(images[0], 1024, 1024, 3, 0);
    write_test_png(images[1], 1024, 1024, 3, 1);
  }

  std::vector<std::string> render_argv(const std::string& output, const std::string& resolution,
                                       const std::string& preset) const {
    std::vector<std::string> argv{video_service_binary(), "render", "--audio", audio, "-o", output,
                                  "--resolution", resolution, "--preset", preset};
    argv.insert(argv.end(), images.begin(), images.end());
    return argv;
  }
};

/// Waits until a partial file of `final_name` exists and has `min_bytes`.
std::string wait_for_partial(const fs::path& folder, const std::string& final_name, uintmax_t min_bytes) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (std::chrono::steady_clock::now() < deadline) {
    for (const auto& name : partials_of(folder, final_name)) {
      std::error_code ec;
      if (fs::file_size(folder / name, ec) >= min_bytes && !ec)
        return name;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  FAIL("no partial file of " + final_name + " appeared in " + folder.string());
  return {};
}

/// Starts `video-service serve` on `output_dir`, waits until it answers, stops
/// it with SIGTERM and returns its log.
std::string serve_once(const temp_dir& dir, const std::string& output_dir) {
  int port = free_port();
  child_process serve({video_service_binary(), "serve", "--host", "127.0.0.1", "--port", std::to_string(port),
                       "--output-dir", output_dir, "--grace-seconds", "0"},
                      {}, dir.file("serve.log"));
  httplib::Client client("127.0.0.1", port);
  for (int i = 0; i < 400 && !client.Get("/health"); ++i)
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  CHECK(client.Get("/health"));
  serve.signal(SIGTERM);
  CHECK(serve.wait(std::chrono::seconds(20)) == 0);
  return serve.log();
}

} // namespace

TEST_CASE("serve start-up removes partial files of killed renders and keeps those still being written",
          "[serve][files]") {
  temp_dir dir;
  render_inputs inputs(dir);
  fs::path videos = dir.path() / "out" / "video";
  fs::create_directories(videos);

  // A render killed mid-way: SIGKILL runs no destructor, so its partial stays.
  child_process killed(inputs.render_argv((videos / "killed.mp4").string(), "1280x720", "slow"), {},
                       dir.file("killed.log"));
  std::string orphan = wait_for_partial(videos, "killed.mp4", 4096);
  killed.signal(SIGKILL);
  REQUIRE(killed.wait(std::chrono::seconds(10)) == 128 + SIGKILL);
  REQUIRE(fs::exists(videos / orphan));

  // Two live writers: another render process (stopped mid-render, so it is
  // certainly still writing when serve starts) and this test process.
  child_process running(inputs.render_argv((videos / "running.mp4").string(), "640x360", "medium"), {},
                        dir.file("running.log"));
  std::string running_partial = wait_for_partial(videos, "running.mp4", 4096);
  running.signal(SIGSTOP);
  auto held = vs::media::output_file::beside((videos / "held.mp4").string());
  REQUIRE(held);
  std::ofstream(held->temporary_path()) << "a video being written";

  std::string log = serve_once(dir, dir.file("out"));
  INFO(log);
  CHECK_FALSE(fs::exists(videos / orphan));
  CHECK(log.find("removed 1 stale partial file from " + videos.string()) != std::string::npos);
  CHECK(fs::exists(videos / running_partial));
  CHECK(fs::exists(held->temporary_path()));
  REQUIRE(held->commit());
  {
    std::ifstream in((videos / "held.mp4").string());
    std::string content((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    CHECK(content == "a video being written");
  }

  // The other process's render was not disturbed: it finishes whole.
  running.signal(SIGCONT);
  auto code = running.wait(std::chrono::seconds(180));
  INFO(running.log());
  REQUIRE(code == 0);
  auto info = probe_mp4((videos / "running.mp4").string());
  CHECK(info.video.width == 640);
  CHECK(info.video.duration == Approx(6.0).margin(1.0 / 24));
  CHECK(partials_of(videos, "running.mp4").empty());
}

TEST_CASE("two renders that are both PID 1 write the same output without sharing a temporary file",
          "[cli][files]") {
  // A container's main process is PID 1: a fresh PID namespace reproduces it.
  if (run_command("unshare --pid --fork true 2>/dev/null") != 0) {
    WARN("cannot create a PID namespace here (needs root or user namespaces); skipped");
    return;
  }
  temp_dir dir;
  render_inputs inputs(dir);
  std::string output = dir.file("same.mp4");
  auto as_pid_one = [&](const std::string& log) {
    std::vector<std::string> argv{"/usr/bin/unshare", "--pid", "--fork"};
    auto render = inputs.render_argv(output, "320x180", "ultrafast");
    argv.insert(argv.end(), render.begin(), render.end());
    return std::make_unique<child_process>(argv, std::map<std::string, std::string>{}, dir.file(log));
  };
  auto first = as_pid_one("first.log");
  auto second = as_pid_one("second.log");
  auto first_code = first->wait(std::chrono::seconds(120));
  auto second_code = second->wait(std::chrono::seconds(120));
  INFO(first->log());
  INFO(second->log());
  CHECK(first_code == 0);
  CHECK(second_code == 0);
  auto info = probe_mp4(output);
  CHECK(info.video.width == 320);
  CHECK(info.video.frame_count == 144);
  CHECK(partials_of(dir.path(), "same.mp4").empty());
}

TEST_CASE("render flushes the MP4 to disk before the rename and the folder after it", "[cli][files]") {
  // A power cut must not leave a complete-looking name on a truncated file.
  // The order of the system calls is what guarantees it; strace shows it.
  if (run_command("strace -V >/dev/null 2>&1") != 0) {
    WARN("strace is not installed; skipped");
    return;
  }
  temp_dir dir;
  write_test_audio(dir.file("voice.mp3"), 1.0);
  write_test_png(dir.file("a.png"), 64, 64);
  const std::string folder = fs::canonical(dir.path()).string();
  const std::string output = folder + "/out.mp4";
  // LeakSanitizer cannot run under ptrace: in the sanitized build it is off
  // for this one traced process (ASan and UBSan still check it).
  auto traced = capture_command("ASAN_OPTIONS=\"${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0\" strace -f -qq -y -e trace=linkat,fsync,fdatasync,rename,renameat,renameat2 " +
                                shell_quote(video_service_binary()) + " render --audio " +
                                shell_quote(dir.file("voice.mp3")) + " -o " + shell_quote(output) +
                                " --resolution 64x64 --preset ultrafast " + shell_quote(dir.file("a.png")));
  INFO(traced.err);
  REQUIRE(traced.exit_code == 0);
  // The temporary file is created unnamed and locked, then linked under its
  // name. (strace pads short lines before "= 0".)
  std::smatch created;
  REQUIRE(std::regex_search(traced.err, created,
                            std::regex(R"re(linkat\(AT_FDCWD(<[^>]*>)?, "/proc/self/fd/(\d+)", \d+<[^>]*>, "(\.out\.mp4\.partial-[0-9a-f]{32}\.mp4)", AT_SYMLINK_FOLLOW\)\s+= 0)re")));
  const std::string fd = created[2];
  const std::string partial = created[3];
  // Where `pattern` first matches in the trace at or after `from`; npos if nowhere.
  auto position = [&](const std::string& pattern, size_t from) {
    std::smatch match;
    if (from == std::string::npos || !std::regex_search(traced.err.cbegin() + static_cast<std::ptrdiff_t>(from),
                                                        traced.err.cend(), match, std::regex(pattern)))
      return std::string::npos;
    return from + static_cast<size_t>(match.position(0));
  };
  // Temporary folder names are letters and digits; only the dots need escaping.
  const std::string in_folder = "\\d+<" + std::regex_replace(folder, std::regex(R"(\.)"), R"(\.)") + ">";
  const size_t file_flushed = position(R"(fsync\()" + fd + "<", static_cast<size_t>(created.position(0)));
  const size_t renamed = position(R"(renameat2?\()" + in_folder + R"(, ")" +
                                      std::regex_replace(partial, std::regex(R"(\.)"), R"(\.)") + R"(", )" +
                                      in_folder + R"(, "out\.mp4"[^)]*\)\s+= 0)",
                                  file_flushed);
  const size_t folder_flushed = position(R"(fsync\()" + in_folder + R"(\)\s+= 0)", renamed);
  CHECK(file_flushed != std::string::npos);
  CHECK(renamed != std::string::npos);
  CHECK(folder_flushed != std::string::npos);
  CHECK(probe_mp4(output).video.width == 64);
}
