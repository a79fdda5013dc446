// Issue 7 follow-ups: what decoding a slide may cost. A PNG whose pixel data
// inflates past its size (a decompression bomb) is refused before stb_image
// inflates it; a decode holds no copy of the file; and what a decode really
// holds stays within the cost its headers give, the bound the decoders'
// share of the memory budget rests on.

#include "media/decode_cost.hpp"
#include "media/image_decode.hpp"
#include "media/image_probe.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/png_writer.hpp"
#include "tests/support/process_memory.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <stb/stb_image_write.h>

#include <chrono>
#include <malloc.h>
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
  CHECK(seconds < 2.0);  // 0.07 s idle; stb took 4 s
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

TEST_CASE("what a decode holds stays within the cost its headers give", "[image][memory]") {
  // As `serve` and `render` run: blocks of 1 MiB and more are mapped and
  // unmapped one by one, so each decode's peak shows in RSS instead of
  // reusing what an earlier one left in the heap (glibc's default threshold
  // rises to 32 MiB after the first large free).
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  temp_dir dir;
  struct sample {
    std::string name;
    std::string path;
  };
  std::vector<sample> samples;
  auto png = [&](const std::string& name, png_layout_spec spec) {
    samples.push_back({name, dir.file(name + ".png")});
    vs::test::write_layout_png(samples.back().path, spec);
  };
  // The dearest layouts stb has, each large enough that its buffers are mapped.
  png("rgba16_interlaced", {2000, 2000, 16, 6, true, false});  // 20 bytes a pixel at stb's peak
  png("rgba16", {2000, 2000, 16, 6, false, false});
  png("rgb16_trns", {2000, 2000, 16, 2, false, true});
  png("rgba8_interlaced", {3000, 3000, 8, 6, true, false});
  png("palette_trns", {3000, 3000, 8, 3, false, true});
  png("grey8", {4000, 3000, 8, 0, false, false});
  samples.push_back({"jpeg444", dir.file("jpeg444.jpg")});
  {
    std::vector<uint8_t> pixels(3000 * 2000 * 3, 128);
    REQUIRE(stbi_write_jpg(samples.back().path.c_str(), 3000, 2000, 3, pixels.data(), 95) != 0);  // 4:4:4 above 90
  }
  samples.push_back({"gif", dir.file("picture.gif")});
  REQUIRE(vs::test::run_command("ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=s=3000x2000 -frames:v 1 '" +
                                samples.back().path + "'") == 0);
  samples.push_back({"bmp", dir.file("picture.bmp")});
  REQUIRE(vs::test::run_command("ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=s=3000x2000 -frames:v 1 -pix_fmt bgra '" +
                                samples.back().path + "'") == 0);

  for (const auto& sample : samples) {
    const std::string& name = sample.name;
    const std::string& path = sample.path;  // a plain reference: lambdas cannot capture bindings in C++17
    auto header = probe_image_file(path, defaults, anywhere);
    REQUIRE(header);
    const std::string bytes = slurp(path);
    const decode_cost cost =
        estimate_decode_cost(image_bytes::in_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size()),
                             header->width, header->height);
    expected<rgb_image> image = make_error(errc::internal, "not run");
    const int64_t growth = peak_growth([&] { image = decode_image_file(path, defaults, anywhere); });
    INFO(name << " (" << cost.layout << "): peak growth " << growth / mib << " MiB, estimated " << cost.bytes / mib
              << " MiB, of which " << decode_overhead_bytes / mib << " MiB overhead");
    REQUIRE(image);
    if (vs::test::rss_is_meaningful)
      CHECK(growth <= cost.bytes);
    // The model is not vacuous: the pictures alone are most of it.
    CHECK(cost.bytes - decode_overhead_bytes >= int64_t{header->width} * header->height * 3);
  }
}

TEST_CASE("an image whose decode would take more than one decode may use is refused from its header",
          "[image][errors][memory]") {
  temp_dir dir;
  // 8000x8000 is within the 64 MP limit, but a 16-bit RGBA PNG holds its
  // inflated rows and its unfiltered picture (8 bytes a pixel each) at
  // once: 512 MB + 512 MB and the 1/64 allowance, 1017 MiB with the
  // overhead, over the 765 MiB (12 bytes a pixel and 32 MiB) allowed.
  const std::string png = dir.file("deep.png");
  vs::test::write_layout_png(png, {1, 1, 16, 6, false, false});
  std::string bytes = slurp(png);
  bytes.replace(16, 8, std::string("\0\0\x1f\x40\0\0\x1f\x40", 8));  // IHDR: 8000x8000 (pixels never read)
  vs::test::write_bytes(png, bytes);
  auto refused = probe_image_file(png, defaults, anywhere);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::input_too_large);
  CHECK(refused.error().message ==
        "image " + png + " would take an estimated 1017 MB to decode (a 16-bit PNG with alpha of 8000x8000), over the "
                         "765 MB one image decode may use; save it with fewer pixels or with 8 bits per channel");
  auto decoded = decode_image_file(png, defaults, anywhere);
  REQUIRE_FALSE(decoded);
  CHECK(decoded.error().message == refused.error().message);

  // The same limit set explicitly: a 1000x1000 RGB PNG takes 6 MB and the overhead.
  const std::string small = dir.file("small.png");
  vs::test::write_layout_png(small, {1000, 1000, 8, 2, false, false});
  image_decode_limits tight;
  tight.max_decode_bytes = decode_overhead_bytes + 2 * mib;
  auto too_tight = decode_image_file(small, tight, anywhere);
  REQUIRE_FALSE(too_tight);
  CHECK(too_tight.error().message == "image " + small + " would take an estimated 38 MB to decode (a PNG of 1000x1000), "
                                                         "over the 34 MB one image decode may use; save it with fewer pixels");
  tight.max_decode_bytes = decode_overhead_bytes + 8 * mib;
  CHECK(decode_image_file(small, tight, anywhere));
}
