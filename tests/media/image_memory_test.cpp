// Issue 7 follow-ups: what decoding a slide may cost. A PNG whose pixel data
// inflates past its size (a decompression bomb) is refused before stb_image
// inflates it, and a decode holds no copy of the file.

#include "media/image_decode.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/png_writer.hpp"
#include "tests/support/process_memory.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <fstream>
#include <vector>

using namespace vs;
using namespace vs::media;
using vs::test::png_layout_spec;
using vs::test::temp_dir;

namespace {

const image_decode_limits defaults{};
const root_folders anywhere{};

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
}

/// Peak resident growth while `work` runs, in bytes.
template <class Work>
int64_t peak_growth(Work&& work) {
  const int64_t before_kb = vs::test::proc_status_kb("VmRSS");
  vs::test::reset_peak_rss();
  work();
  return (vs::test::proc_status_kb("VmHWM") - before_kb) * 1024;
}

constexpr int64_t mib = 1 << 20;

} // namespace

TEST_CASE("a PNG whose pixel data inflates far past its size is refused before stb inflates it", "[image][errors][memory]") {
  temp_dir dir;
  // The reproduction: 1x1 pixels, 783 KB of zlib data inflating to 768 MiB.
  // stb_image 2.27 inflated it all (4 s, 792 MB) and then "decoded" it.
  const std::string bomb = dir.file("bomb.png");
  vs::test::write_png_bomb(bomb, 768);
  const std::string message = " is a corrupt PNG: its pixel data inflates to more than the 5 bytes its 1x1 pixels need";

  auto started = std::chrono::steady_clock::now();
  expected<rgb_image> from_file = make_error(errc::internal, "not run");
  const int64_t growth = peak_growth([&] { from_file = decode_image_file(bomb, defaults, anywhere); });
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE_FALSE(from_file);
  CHECK(from_file.error().code == errc::input_invalid);
  CHECK(from_file.error().message == "image " + bomb + message);
  CHECK(seconds < 1.0);
  INFO("peak RSS growth " << growth / 1024 << " KiB");
  if (vs::test::rss_is_meaningful)
    CHECK(growth < 16 * mib);

  const std::string bytes = slurp(bomb);
  CHECK(bytes.size() < 800'000);
  auto from_memory = decode_image_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "slide 4", defaults);
  REQUIRE_FALSE(from_memory);
  CHECK(from_memory.error().message == "image slide 4" + message);
}

TEST_CASE("PNG pixel data may inflate to what its layout needs and a little more, for every layout", "[image][errors]") {
  temp_dir dir;
  struct depths {
    int colour_type;
    std::vector<int> bit_depths;
  };
  const std::vector<depths> layouts = {{0, {1, 2, 4, 8, 16}}, {2, {8, 16}}, {3, {1, 2, 4, 8}}, {4, {8, 16}}, {6, {8, 16}}};
  int checked = 0;
  for (const auto& [colour_type, bit_depths] : layouts)
    for (int bit_depth : bit_depths)
      for (bool interlaced : {false, true})
        for (auto [width, height] : {std::pair{13, 7}, std::pair{1, 1}, std::pair{9, 2}}) {
          const png_layout_spec spec{width, height, bit_depth, colour_type, interlaced, false};
          // Computed here, independently of media/: the rows of each pass,
          // a filter byte each; then the allowance documented in
          // media/image_layout.hpp (1/64 and 1 KiB).
          const uint64_t exact = vs::test::png_pixel_data_bytes(spec);
          const uint64_t allowed = exact / 64 + 1024;
          INFO("type " << colour_type << ", " << bit_depth << " bits, " << (interlaced ? "interlaced " : "") << width
                       << "x" << height << ": " << exact << " bytes");
          const std::string path = dir.file("layout.png");
          for (uint64_t extra : {uint64_t{0}, allowed}) {
            vs::test::write_layout_png(path, spec, extra);
            auto image = decode_image_file(path, defaults, anywhere);
            REQUIRE(image);
            CHECK(image->width == width);
            CHECK(image->height == height);
          }
          vs::test::write_layout_png(path, spec, allowed + 1);
          auto refused = decode_image_file(path, defaults, anywhere);
          REQUIRE_FALSE(refused);
          CHECK(refused.error().message == "image " + path + " is a corrupt PNG: its pixel data inflates to more than the " +
                                               std::to_string(exact) + " bytes its " + std::to_string(width) + "x" +
                                               std::to_string(height) + " pixels need");
          ++checked;
        }
  CHECK(checked == 15 * 2 * 3);
}

TEST_CASE("a decode holds no copy of the image file", "[image][memory]") {
  temp_dir dir;
  // A 1000x1000 RGB PNG (3 MB of pixels) made 96 MiB larger by an ancillary
  // chunk that decoders skip: the file used to be read whole into memory first.
  const std::string padded = dir.file("padded.png");
  vs::test::write_layout_png(padded, {1000, 1000, 8, 2, false, false}, 0, 96 * mib);
  expected<rgb_image> image = make_error(errc::internal, "not run");
  const int64_t growth = peak_growth([&] { image = decode_image_file(padded, defaults, anywhere); });
  REQUIRE(image);
  CHECK(image->width == 1000);
  INFO("peak RSS growth " << growth / mib << " MiB");
  if (vs::test::rss_is_meaningful)
    CHECK(growth < 48 * mib);
}
