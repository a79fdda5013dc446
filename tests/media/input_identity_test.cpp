// media/input_identity: what a file is, by its bytes alone. Every file is
// named without an extension, so nothing but the content can tell.

#include "media/input_identity.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <filesystem>
#include <functional>

using namespace vs;
using namespace vs::media;
namespace fs = std::filesystem;

namespace {

/// Makes `name` with `make`, then moves it to a name without an extension.
std::string without_extension(const test::temp_dir& dir, const std::string& name,
                              const std::function<void(const std::string&)>& make) {
  make(dir.file(name));
  const std::string bare = dir.file("input-" + fs::path(name).extension().string().substr(1));
  fs::rename(dir.file(name), bare);
  return bare;
}

} // namespace

TEST_CASE("identify_input tells images and audio apart by content", "[media][uploads]") {
  test::temp_dir dir;
  const root_folders roots(std::vector<std::string>{dir.path().string()});
  struct expectation {
    std::string name;
    std::function<void(const std::string&)> make;
    input_kind kind;
    std::string format;
    std::string extension;
    std::string codec;
  };
  const std::vector<expectation> cases = {
      {"a.png", [](const std::string& p) { test::write_test_png(p, 40, 30); }, input_kind::image, "png", "png", ""},
      {"a.jpg", [](const std::string& p) { test::write_test_jpeg(p, 40, 30); }, input_kind::image, "jpeg", "jpg", ""},
      {"a.bmp", [](const std::string& p) { test::write_palette_bmp(p, 0, 1); }, input_kind::image, "bmp", "bmp", ""},
      {"a.gif",
       [](const std::string& p) {
         REQUIRE(test::run_command("ffmpeg -v error -y -f lavfi -i color=blue:size=40x30 -frames:v 1 '" + p + "'") == 0);
       },
       input_kind::image, "gif", "gif", ""},
      {"a.mp3", [](const std::string& p) { test::write_test_audio(p, 1.0); }, input_kind::audio, "mp3", "mp3", "mp3"},
      {"a.wav", [](const std::string& p) { test::write_test_audio(p, 1.0); }, input_kind::audio, "wav", "wav",
       "pcm_s16le"},
      {"a.m4a", [](const std::string& p) { test::write_test_audio(p, 1.0); }, input_kind::audio, "mp4", "m4a", "aac"},
      {"a.ogg", [](const std::string& p) { test::write_test_audio(p, 1.0); }, input_kind::audio, "ogg", "ogg", "opus"},
      {"a.flac", [](const std::string& p) { test::write_test_audio(p, 1.0); }, input_kind::audio, "flac", "flac",
       "flac"},
  };
  for (const auto& expected : cases) {
    INFO(expected.name);
    const std::string path = without_extension(dir, expected.name, expected.make);
    auto identity = identify_input(path, expected.name, roots, render_limits{});
    REQUIRE(identity);
    CHECK(identity->kind == expected.kind);
    CHECK(identity->format == expected.format);
    CHECK(identity->extension == expected.extension);
    if (expected.kind == input_kind::image) {
      CHECK(identity->width == (expected.format == "bmp" ? 2 : 40));
      CHECK(identity->height == (expected.format == "bmp" ? 1 : 30));
    } else {
      CHECK(identity->codec == expected.codec);
      CHECK(identity->duration_seconds == Approx(1.0).margin(0.1));
      CHECK(identity->channels == 1);
    }
  }
}

TEST_CASE("identify_input holds an image to the render's limits and stays in its roots", "[media][uploads]") {
  test::temp_dir dir;
  const root_folders roots(std::vector<std::string>{dir.file("in")});
  fs::create_directories(dir.file("in"));
  test::write_test_png(dir.file("in/big"), 320, 240);
  render_limits limits;
  limits.max_image_pixels = 1000;
  auto big = identify_input(dir.file("in/big"), "big.png", roots, limits);
  REQUIRE_FALSE(big);
  CHECK(big.error().code == errc::input_too_large);
  CHECK(big.error().message == "image big.png is 320x240, over the limit of 1000 pixels");
  limits = render_limits{};
  limits.max_image_file_bytes = 100;
  auto heavy = identify_input(dir.file("in/big"), "big.png", roots, limits);
  REQUIRE_FALSE(heavy);
  CHECK(heavy.error().code == errc::input_too_large);
  CHECK(heavy.error().message ==
        "image big.png is " + std::to_string(fs::file_size(dir.file("in/big"))) + " bytes, over the limit of 100 bytes");
  test::write_test_png(dir.file("outside.png"), 8, 8);
  auto outside = identify_input(dir.file("outside.png"), "outside.png", roots, render_limits{});
  REQUIRE_FALSE(outside);
  CHECK(outside.error().code == errc::forbidden_path);
}
