// Input confinement on the file actually opened: media/root_folders,
// media/confined_file, and a real render whose slide folder is swapped for a
// symlink to a folder outside the root while the render runs.

#include "media/audio_encode.hpp"
#include "media/confined_file.hpp"
#include "media/image_decode.hpp"
#include "media/image_probe.hpp"
#include "media/render_job.hpp"
#include "media/root_folders.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

using namespace vs;
using namespace vs::media;
namespace fs = std::filesystem;

namespace {

/// A root with a few files, and a folder outside it with files of the same names.
struct rooted_files {
  test::temp_dir dir;
  std::string root;

  rooted_files() {
    fs::create_directories(dir.path() / "root" / "slides");
    fs::create_directories(dir.path() / "rootX");
    fs::create_directories(dir.path() / "outside" / "slides");
    root = fs::canonical(dir.path() / "root").string();
    test::write_bytes(dir.file("root/slides/a.txt"), "inside");
    test::write_bytes(dir.file("outside/slides/a.txt"), "outside");
    test::write_bytes(dir.file("rootX/b.txt"), "prefix");
  }

  std::string in_root(const std::string& name) const { return root + "/" + name; }

  /// Replaces root/<folder> by a symlink to outside/<folder>.
  void swap_for_symlink(const std::string& folder) const {
    fs::rename(dir.path() / "root" / folder, dir.path() / "root" / (folder + ".before"));
    fs::create_directory_symlink(dir.path() / "outside" / folder, dir.path() / "root" / folder);
  }
};

std::string read_all(int fd) {
  std::string content;
  char buffer[256];
  for (off_t offset = 0;;) {
    ssize_t got = ::pread(fd, buffer, sizeof buffer, offset);
    if (got <= 0)
      return content;
    content.append(buffer, static_cast<size_t>(got));
    offset += got;
  }
}

/// These tests are about where a file is, not its size (image_decode_test).
constexpr int64_t any_size = 1 << 20;

void check_error(const expected<confined_file>& file, errc code, const std::string& message) {
  REQUIRE_FALSE(file);
  CHECK(file.error().code == code);
  CHECK(file.error().message == message);
}

} // namespace

TEST_CASE("root folders compare whole path components", "[roots]") {
  test::temp_dir dir;
  fs::create_directories(dir.path() / "root");
  const std::string root = fs::canonical(dir.path() / "root").string();
  root_folders roots({dir.file("root") + "/", "", dir.file("missing/../missing")});
  CHECK(roots.confined());
  REQUIRE(roots.folders().size() == 2);
  CHECK(roots.folders()[0] == root);
  CHECK(roots.folders()[1] == lexically_absolute(dir.file("missing")));
  CHECK(roots.contains(root));
  CHECK(roots.contains(root + "/a/b.png"));
  CHECK_FALSE(roots.contains(root + "X/b.png"));
  CHECK_FALSE(roots.contains(fs::path(root).parent_path()));
  CHECK(roots.describe() == root + ", " + lexically_absolute(dir.file("missing")).string());
  CHECK(lexically_absolute("/a/b/../c/") == "/a/c");
  // Only the empty list is unconfined; a list of empty entries allows nothing.
  CHECK_FALSE(root_folders().confined());
  CHECK(root_folders().contains("/etc/passwd"));
  CHECK(root_folders({""}).confined());
  CHECK_FALSE(root_folders({""}).contains("/etc/passwd"));
}

TEST_CASE("a confined file is opened only inside the roots, after symlinks", "[roots]") {
  rooted_files files;
  root_folders roots({files.root});
  const std::string outside = " is outside the allowed folders " + files.root;

  auto inside = confined_file::open(files.in_root("slides/a.txt"), roots, "image", any_size);
  REQUIRE(inside);
  CHECK(inside->size() == 6);
  CHECK(read_all(inside->descriptor()) == "inside");
  CHECK((::fcntl(inside->descriptor(), F_GETFD) & FD_CLOEXEC) != 0);

  const std::string escape = files.dir.file("outside/slides/a.txt");
  check_error(confined_file::open(escape, roots, "image", any_size), errc::forbidden_path, "image " + escape + outside);
  const std::string dotdot = files.in_root("../outside/slides/a.txt");
  check_error(confined_file::open(dotdot, roots, "image", any_size), errc::forbidden_path, "image " + dotdot + outside);
  const std::string prefix = files.dir.file("rootX/b.txt");
  check_error(confined_file::open(prefix, roots, "image", any_size), errc::forbidden_path, "image " + prefix + outside);
  // Outside lexically: refused without asking the file system whether it exists.
  check_error(confined_file::open("/no/such/file", roots, "audio file", any_size), errc::forbidden_path,
              "audio file /no/such/file" + outside);
  check_error(confined_file::open(files.in_root("slides/missing.txt"), roots, "image", any_size), errc::input_missing,
              "image " + files.in_root("slides/missing.txt") + " does not exist");

  // Symlinks inside the root that lead out of it: a file, and a folder.
  fs::create_symlink(escape, files.in_root("link.txt"));
  check_error(confined_file::open(files.in_root("link.txt"), roots, "image", any_size), errc::forbidden_path,
              "image " + files.in_root("link.txt") + outside);
  files.swap_for_symlink("slides");
  check_error(confined_file::open(files.in_root("slides/a.txt"), roots, "image", any_size), errc::forbidden_path,
              "image " + files.in_root("slides/a.txt") + outside);

  // Unconfined (the command line), the same paths open.
  auto anywhere = confined_file::open(files.in_root("slides/a.txt"), root_folders(), "image", any_size);
  REQUIRE(anywhere);
  CHECK(read_all(anywhere->descriptor()) == "outside");
  check_error(confined_file::open(std::string("a\0b", 3), root_folders(), "image", any_size), errc::input_invalid,
              "image path contains a NUL byte");
  // Sizes come from the opened descriptor (here the 7-byte file outside).
  check_error(confined_file::open(files.in_root("slides/a.txt"), root_folders(), "image", 5), errc::input_too_large,
              "image " + files.in_root("slides/a.txt") + " is 7 bytes, over the limit of 5 bytes");
  test::write_bytes(files.in_root("empty.txt"), "");
  check_error(confined_file::open(files.in_root("empty.txt"), roots, "audio file", any_size), errc::input_invalid,
              "audio file " + files.in_root("empty.txt") + " is empty");
}

TEST_CASE("an opened confined file keeps reading the file that was checked", "[roots]") {
  rooted_files files;
  auto opened = confined_file::open(files.in_root("slides/a.txt"), root_folders({files.root}), "image", any_size);
  REQUIRE(opened);
  // The folder is swapped after the check: the descriptor still reads the checked file.
  files.swap_for_symlink("slides");
  CHECK(read_all(opened->descriptor()) == "inside");
}

TEST_CASE("FIFOs, devices and folders are refused without being opened", "[roots]") {
  rooted_files files;
  const std::string fifo = files.in_root("pipe.png");
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  root_folders roots({files.root, "/dev"});
  auto started = std::chrono::steady_clock::now();
  // Opening a FIFO for reading would block until a writer came; none will.
  check_error(confined_file::open(fifo, roots, "image", any_size), errc::input_invalid, "image " + fifo + " is not a regular file");
  check_error(confined_file::open("/dev/null", roots, "audio file", any_size), errc::input_invalid,
              "audio file /dev/null is not a regular file");
  check_error(confined_file::open(files.in_root("slides"), roots, "image", any_size), errc::input_invalid,
              "image " + files.in_root("slides") + " is not a regular file");
  // Outside the roots, where comes first: the kind of the file is not told.
  const std::string outside_fifo = files.dir.file("outside/pipe");
  REQUIRE(::mkfifo(outside_fifo.c_str(), 0600) == 0);
  fs::create_symlink(outside_fifo, files.in_root("pipe-link.png"));
  check_error(confined_file::open(files.in_root("pipe-link.png"), roots, "image", any_size), errc::forbidden_path,
              "image " + files.in_root("pipe-link.png") + " is outside the allowed folders " + files.root + ", /dev");
  CHECK(std::chrono::steady_clock::now() - started < std::chrono::seconds(2));

  // The decoders give the same answers.
  auto image = decode_image_file(fifo, image_decode_limits{}, roots);
  REQUIRE_FALSE(image);
  CHECK(image.error().message == "image " + fifo + " is not a regular file");
  auto audio = encode_audio_file(fifo, audio_options{}, roots);
  REQUIRE_FALSE(audio);
  CHECK(audio.error().code == errc::input_invalid);
  CHECK(audio.error().message == "audio file " + fifo + " is not a regular file");
}

TEST_CASE("a slide folder swapped for a symlink during a render fails the render with forbidden_path",
          "[roots][render]") {
  rooted_files files;
  fs::create_directories(files.dir.path() / "root" / "late");
  fs::create_directories(files.dir.path() / "outside" / "late");
  render_spec spec;
  for (int i = 0; i < 3; ++i) {
    spec.image_paths.push_back(files.in_root("slides/" + std::to_string(i) + ".png"));
    test::write_test_png(spec.image_paths.back(), 64, 64, 3, i);
  }
  // The last slide appears after ~9 s of video: it is decoded long after the render started.
  spec.image_paths.push_back(files.in_root("late/3.png"));
  test::write_test_png(spec.image_paths.back(), 64, 64, 3, 3);
  test::write_test_png(files.dir.file("outside/late/3.png"), 64, 64, 3, 4);
  spec.output_path = files.dir.file("out.mp4");
  spec.input_roots = {files.root};
  spec.sync_to_audio = false;
  spec.slide_duration = 3.0;
  spec.width = 64;
  spec.height = 64;
  spec.fps = 12;
  spec.preset = "ultrafast";
  spec.render_threads = 2;

  bool swapped = false;
  render_callbacks callbacks;
  callbacks.progress = [&](int64_t, int64_t) {
    if (!std::exchange(swapped, true))
      files.swap_for_symlink("late");
  };
  auto result = render_video(spec, render_limits{}, callbacks);
  CHECK(swapped);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == errc::forbidden_path);
  CHECK(result.error().message ==
        "image " + files.in_root("late/3.png") + " is outside the allowed folders " + files.root);
  CHECK_FALSE(fs::exists(spec.output_path));

  // The narration is checked the same way.
  test::write_test_audio(files.dir.file("outside/late/voice.mp3"), 1.0);
  spec.audio_path = files.in_root("late/voice.mp3");
  spec.sync_to_audio = true;
  spec.image_paths.resize(3);
  auto narrated = render_video(spec, render_limits{});
  REQUIRE_FALSE(narrated);
  CHECK(narrated.error().code == errc::forbidden_path);
  CHECK(narrated.error().message ==
        "audio file " + files.in_root("late/voice.mp3") + " is outside the allowed folders " + files.root);
}

TEST_CASE("a narration playlist cannot make the demuxer read files outside the one checked", "[roots][audio]") {
  rooted_files files;
  // An HLS playlist inside the root whose only segment lies outside it.
  // (MP3: a segment type the HLS demuxer accepts, so the old "file"-only
  // protocol whitelist let it read this file.)
  const std::string segment = files.dir.file("outside/secret.mp3");
  test::write_test_audio(segment, 2.0);
  const std::string playlist = files.in_root("narration.m3u8");
  test::write_bytes(playlist, "#EXTM3U\n#EXT-X-TARGETDURATION:2\n#EXTINF:2.0,\n" + segment + "\n#EXT-X-ENDLIST\n");
  auto audio = encode_audio_file(playlist, audio_options{}, root_folders({files.root}));
  REQUIRE_FALSE(audio);
  CHECK(audio.error().code == errc::input_invalid);
  CHECK(audio.error().message.rfind("cannot read audio file " + playlist + ": ", 0) == 0);
}
