// Temporary output files: unique unguessable names, a lock held while the
// writer lives, complete content under the final name, and the sweep that
// removes what killed writers left behind while sparing live ones.

#include "media/output_file.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <fcntl.h>
#include <filesystem>
#include <fstream>
#include <regex>
#include <set>
#include <sys/file.h>
#include <sys/stat.h>
#include <thread>
#include <unistd.h>

using namespace vs;
using namespace vs::media;
namespace fs = std::filesystem;

namespace {

/// True if some process holds a lock on `path` (our own probe cannot get one).
bool is_locked(const std::string& path) {
  int fd = ::open(path.c_str(), O_RDWR | O_CLOEXEC);
  REQUIRE(fd >= 0);
  bool locked = ::flock(fd, LOCK_EX | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return locked;
}

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

size_t entries_in(const fs::path& folder) {
  return static_cast<size_t>(std::distance(fs::directory_iterator(folder), fs::directory_iterator()));
}

/// Sets a file's modification time `age` into the past.
void make_older(const std::string& path, std::chrono::seconds age) {
  struct timespec times[2];
  ::clock_gettime(CLOCK_REALTIME, &times[0]);
  times[0].tv_sec -= age.count();
  times[1] = times[0];
  REQUIRE(::utimensat(AT_FDCWD, path.c_str(), times, 0) == 0);
}

} // namespace

TEST_CASE("temporary names are random, created exclusively, locked, and never shared", "[output]") {
  test::temp_dir dir;
  const std::string final_path = dir.file("video.mp4");
  const std::regex pattern(R"(\.video\.mp4\.partial-[0-9a-f]{32}\.mp4)");
  std::vector<output_file> outputs;
  std::set<std::string> names;
  for (int i = 0; i < 200; ++i) {
    auto output = output_file::beside(final_path);
    REQUIRE(output);
    std::string name = fs::path(output->temporary_path()).filename().string();
    CHECK(std::regex_match(name, pattern));
    names.insert(name);
    outputs.push_back(std::move(*output));
  }
  CHECK(names.size() == 200);
  // Each exists from the start (O_EXCL claimed the name) and is locked by its writer.
  CHECK(entries_in(dir.path()) == 200);
  CHECK(is_locked(outputs.front().temporary_path()));
  CHECK(is_locked(outputs.back().temporary_path()));
  outputs.clear();
  CHECK(entries_in(dir.path()) == 0);
}

TEST_CASE("a committed output holds exactly what was written, under its final name", "[output]") {
  test::temp_dir dir;
  const std::string final_path = dir.file("video.mp4");
  std::string content(3 << 20, '\0');
  for (size_t i = 0; i < content.size(); ++i)
    content[i] = static_cast<char>((i * 7919) % 251);
  auto output = output_file::beside(final_path);
  REQUIRE(output);
  {
    std::ofstream out(output->temporary_path(), std::ios::binary);
    out.write(content.data(), static_cast<std::streamsize>(content.size()));
  }
  // Moving the writer keeps its file and lock.
  output_file moved = std::move(*output);
  CHECK(is_locked(moved.temporary_path()));
  REQUIRE(moved.commit());
  CHECK(slurp(final_path) == content);
  CHECK(entries_in(dir.path()) == 1);
  auto again = moved.commit();
  REQUIRE_FALSE(again);
  CHECK(again.error().code == errc::internal);
}

TEST_CASE("the sweep removes partial files nobody holds and keeps everything else", "[output]") {
  test::temp_dir dir;
  const fs::path folder = dir.path();
  // Left by a killed writer: the name of this version, no lock.
  const std::string stale = dir.file(".a.mp4.partial-0123456789abcdef0123456789abcdef.mp4");
  test::write_bytes(stale, "half a video");
  // Of a version before locks: removed once an hour old, kept while it may still be written.
  const std::string legacy_old = dir.file(".b.mp4.partial-1-0.mp4");
  const std::string legacy_recent = dir.file(".c.mp4.partial-1-1.mp4");
  test::write_bytes(legacy_old, "old");
  test::write_bytes(legacy_recent, "recent");
  make_older(legacy_old, std::chrono::hours(2));
  // A live writer.
  auto live = output_file::beside(dir.file("d.mp4"));
  REQUIRE(live);
  // Not partial files of ours, whatever they look like.
  const std::vector<std::string> others{dir.file("e.mp4"), dir.file(".e.mp4.partial-xyz.mp4"),
                                        dir.file(".f.mp4.partial-0123456789abcdef0123456789abcdef.mp4.txt")};
  for (const auto& other : others)
    test::write_bytes(other, "keep");
  // A symlink and a folder with partial names: never followed, never removed.
  fs::create_directories(dir.path() / "elsewhere");
  test::write_bytes(dir.file("elsewhere/target"), "target");
  const std::string link = dir.file(".g.mp4.partial-00000000000000000000000000000000.mp4");
  fs::create_symlink(dir.path() / "elsewhere" / "target", link);
  const std::string folder_named = dir.file(".h.mp4.partial-11111111111111111111111111111111.mp4");
  fs::create_directories(folder_named);

  auto removed = remove_stale_partials(folder.string());
  REQUIRE(removed);
  CHECK(*removed == 2);
  CHECK_FALSE(fs::exists(stale));
  CHECK_FALSE(fs::exists(legacy_old));
  CHECK(fs::exists(legacy_recent));
  CHECK(fs::exists(live->temporary_path()));
  for (const auto& other : others)
    CHECK(fs::exists(other));
  CHECK(fs::is_symlink(link));
  CHECK(slurp(dir.file("elsewhere/target")) == "target");
  CHECK(fs::is_directory(folder_named));
  REQUIRE(live->commit());

  auto missing = remove_stale_partials(dir.file("nope"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "cannot open " + dir.file("nope") + ": No such file or directory");
}

TEST_CASE("sweeping while writers start and finish never takes a live writer's file", "[output]") {
  test::temp_dir dir;
  std::atomic<bool> writing{true};
  std::atomic<int> sweeps{0};
  // Sweepers standing in for other workers starting up on the shared folder.
  std::vector<std::thread> sweepers;
  for (int i = 0; i < 2; ++i)
    sweepers.emplace_back([&] {
      while (writing) {
        if (remove_stale_partials(dir.path().string()))
          ++sweeps;
      }
    });
  int committed = 0;
  for (int i = 0; i < 100; ++i) {
    const std::string final_path = dir.file("v" + std::to_string(i) + ".mp4");
    // No REQUIRE while the sweepers run: it would leave their threads unjoined.
    auto output = output_file::beside(final_path);
    CHECK(output);
    if (!output) {
      INFO(output.error().message);
      CHECK(false);
      break;
    }
    std::ofstream(output->temporary_path()) << i;
    auto done = output->commit();
    CHECK(done);
    CHECK(slurp(final_path) == std::to_string(i));
    committed += done ? 1 : 0;
  }
  writing = false;
  for (auto& sweeper : sweepers)
    sweeper.join();
  CHECK(committed == 100);
  CHECK(sweeps.load() > 0);
  CHECK(entries_in(dir.path()) == 100);
}
