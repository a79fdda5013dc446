#include "media/image_decode.hpp"
#include "media/image_probe.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <stb/stb_image_write.h>

#include <fstream>

using namespace vs;
using namespace vs::media;
using vs::test::temp_dir;

namespace {

const image_decode_limits defaults{};

/// Converts a PNG to another format or pixel layout with the ffmpeg CLI.
std::string convert(const temp_dir& dir, const std::string& source, const std::string& name,
                    const std::string& options) {
  std::string target = dir.file(name);
  REQUIRE(vs::test::run_command("ffmpeg -nostdin -loglevel error -y -i '" + source + "' " + options + " '" + target +
                                "'") == 0);
  return target;
}

std::string slurp_prefix(const std::string& path, size_t bytes) {
  std::ifstream in(path, std::ios::binary);
  std::string data(bytes, '\0');
  in.read(data.data(), static_cast<std::streamsize>(bytes));
  data.resize(static_cast<size_t>(in.gcount()));
  return data;
}

} // namespace

TEST_CASE("every supported format decodes to RGB of the right size", "[image]") {
  temp_dir dir;
  std::string png = dir.file("source.png");
  vs::test::write_test_png(png, 96, 64, 3, 1);
  std::vector<std::string> files{
    png,
    convert(dir, png, "photo.jpg", "-q:v 3"),
    convert(dir, png, "deep.png", "-pix_fmt rgb48be"),
    convert(dir, png, "palette.png", "-pix_fmt pal8"),
    convert(dir, png, "plain.bmp", ""),
    convert(dir, png, "anim.gif", ""),
  };
  std::string grey = dir.file("grey.png");
  vs::test::write_test_png(grey, 96, 64, 1, 2);
  files.push_back(grey);
  for (const auto& file : files) {
    INFO(file);
    auto header = probe_image_file(file, defaults);
    REQUIRE(header);
    CHECK(header->width == 96);
    CHECK(header->height == 64);
    auto image = decode_image_file(file, defaults);
    REQUIRE(image);
    CHECK(image->width == 96);
    CHECK(image->height == 64);
    CHECK(image->pixels.size() == 96u * 64u * 3u);
  }
}

TEST_CASE("alpha is composited over black", "[image]") {
  temp_dir dir;
  // Three white pixels: opaque, half transparent, fully transparent.
  const uint8_t rgba[] = {255, 255, 255, 255, 255, 255, 255, 128, 255, 255, 255, 0};
  std::string path = dir.file("alpha.png");
  REQUIRE(stbi_write_png(path.c_str(), 3, 1, 4, rgba, 3 * 4) != 0);
  auto image = decode_image_file(path, defaults);
  REQUIRE(image);
  CHECK(image->pixels[0] == 255);
  CHECK(int(image->pixels[3]) == Approx(128).margin(1));
  CHECK(image->pixels[6] == 0);
  CHECK(image->pixels[7] == 0);
  CHECK(image->pixels[8] == 0);
}

TEST_CASE("broken files fail naming the file", "[image][errors]") {
  temp_dir dir;
  std::string good = dir.file("good.png");
  vs::test::write_test_png(good, 64, 64);
  std::string truncated = dir.file("truncated.png");
  vs::test::write_bytes(truncated, slurp_prefix(good, 200));
  std::string empty = dir.file("empty.png");
  vs::test::write_bytes(empty, "");
  std::string text = dir.file("notes.png");
  vs::test::write_bytes(text, "this is not an image at all, just some text\n");

  struct bad_case {
    std::string path;
    errc code;
  };
  for (const auto& [path, code] : std::vector<bad_case>{{truncated, errc::input_invalid},
                                                         {empty, errc::input_invalid},
                                                         {text, errc::input_invalid},
                                                         {dir.file("missing.png"), errc::input_missing}}) {
    INFO(path);
    auto image = decode_image_file(path, defaults);
    REQUIRE_FALSE(image);
    CHECK(image.error().code == code);
    CHECK(image.error().message.find(path) != std::string::npos);
  }
}

TEST_CASE("an image over the pixel limit is refused from its header", "[image][errors]") {
  temp_dir dir;
  std::string path = dir.file("big.png");
  vs::test::write_test_png(path, 200, 100);
  image_decode_limits small;
  small.max_pixels = 10'000;
  auto header = probe_image_file(path, small);
  REQUIRE_FALSE(header);
  CHECK(header.error().code == errc::input_too_large);
  CHECK(header.error().message.find(path) != std::string::npos);
  auto image = decode_image_file(path, small);
  REQUIRE_FALSE(image);
  CHECK(image.error().code == errc::input_too_large);
  CHECK(image.error().message.find("200x100") != std::string::npos);
  // A forged header claiming a huge picture is refused before any allocation.
  std::string forged = dir.file("forged.png");
  std::string bytes = slurp_prefix(path, 33);  // signature + IHDR
  bytes[16] = bytes[17] = bytes[20] = bytes[21] = '\x7f';  // width and height ≈ 2^31
  vs::test::write_bytes(forged, bytes);
  auto hostile = decode_image_file(forged, defaults);
  REQUIRE_FALSE(hostile);
  CHECK(hostile.error().message.find(forged) != std::string::npos);
}
