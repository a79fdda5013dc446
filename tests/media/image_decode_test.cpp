#include "media/image_decode.hpp"
#include "media/image_probe.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <stb/stb_image_write.h>

#include <array>
#include <filesystem>
#include <fstream>

using namespace vs;
using namespace vs::media;
using vs::test::temp_dir;

namespace {

const image_decode_limits defaults{};
/// These tests are about decoding, not confinement (confined_file_test).
const root_folders anywhere{};

/// Keeps a few-colour picture exact in an 8-bit palette (ffmpeg's plain pal8
/// conversion dithers to a fixed 3-3-2 palette).
const std::string exact_palette = "-vf 'split[a][b];[a]palettegen=reserve_transparent=0[p];[b][p]paletteuse'";

/// Converts an image to another format or pixel layout with the ffmpeg CLI.
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

/// Probing and decoding `path` both refuse it as over the pixel limit with `message`.
void check_too_large(const std::string& path, const image_decode_limits& limits, const std::string& message) {
  auto header = probe_image_file(path, limits, anywhere);
  REQUIRE_FALSE(header);
  CHECK(header.error().code == errc::input_too_large);
  CHECK(header.error().message == message);
  auto image = decode_image_file(path, limits, anywhere);
  REQUIRE_FALSE(image);
  CHECK(image.error().code == errc::input_too_large);
  CHECK(image.error().message == message);
}

std::array<int, 3> rgb_at(const rgb_image& image, int x, int y) {
  const uint8_t* p = &image.pixels[(static_cast<size_t>(y) * static_cast<size_t>(image.width) + static_cast<size_t>(x)) * 3];
  return {p[0], p[1], p[2]};
}

/// A PNG's signature and IHDR chunk with the size patched to `width` × `height`,
/// and no pixel data at all: decoding it can only fail.
std::string forged_png_header(const std::string& real_png, uint32_t width, uint32_t height) {
  std::string bytes = slurp_prefix(real_png, 33);
  for (int i = 0; i < 4; ++i) {
    bytes[static_cast<size_t>(16 + i)] = static_cast<char>(width >> (24 - 8 * i));
    bytes[static_cast<size_t>(20 + i)] = static_cast<char>(height >> (24 - 8 * i));
  }
  return bytes;
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
  files.push_back(convert(dir, grey, "deep_grey.png", "-pix_fmt gray16be"));
  for (const auto& file : files) {
    INFO(file);
    auto header = probe_image_file(file, defaults, anywhere);
    REQUIRE(header);
    CHECK(header->width == 96);
    CHECK(header->height == 64);
    auto image = decode_image_file(file, defaults, anywhere);
    REQUIRE(image);
    CHECK(image->width == 96);
    CHECK(image->height == 64);
    CHECK(image->pixels.size() == 96u * 64u * 3u);
  }
}

TEST_CASE("every format keeps the colour of a solid picture", "[image]") {
  temp_dir dir;
  std::string png = dir.file("solid.png");
  vs::test::write_solid_png(png, 48, 32, 200, 100, 50);
  struct colour_case {
    std::string path;
    int tolerance;
  };
  for (const auto& [path, tolerance] : std::vector<colour_case>{
           {png, 0},
           {convert(dir, png, "photo.jpg", "-q:v 2"), 4},
           // ffmpeg's own rgb24 -> rgb48 conversion is off by up to 1/256.
           {convert(dir, png, "deep.png", "-pix_fmt rgb48be"), 1},
           {convert(dir, png, "palette.png", exact_palette + " -pix_fmt pal8"), 0},
           {convert(dir, png, "plain.bmp", ""), 0},
           {convert(dir, png, "still.gif", exact_palette), 0}}) {
    INFO(path);
    auto image = decode_image_file(path, defaults, anywhere);
    REQUIRE(image);
    for (auto [x, y] : {std::pair{0, 0}, std::pair{24, 16}, std::pair{47, 31}}) {
      auto [r, g, b] = rgb_at(*image, x, y);
      CHECK(r == Approx(200).margin(tolerance));
      CHECK(g == Approx(100).margin(tolerance));
      CHECK(b == Approx(50).margin(tolerance));
    }
  }
}

TEST_CASE("greyscale PNGs of 8 and 16 bits become equal RGB channels", "[image]") {
  temp_dir dir;
  std::vector<uint8_t> ramp(64 * 4);
  for (size_t i = 0; i < ramp.size(); ++i)
    ramp[i] = static_cast<uint8_t>(i % 64 * 4);
  std::string grey = dir.file("grey.png");
  REQUIRE(stbi_write_png(grey.c_str(), 64, 4, 1, ramp.data(), 64) != 0);
  for (const auto& path : {grey, convert(dir, grey, "deep_grey.png", "-pix_fmt gray16be")}) {
    INFO(path);
    auto image = decode_image_file(path, defaults, anywhere);
    REQUIRE(image);
    for (int x : {0, 10, 63})
      CHECK(rgb_at(*image, x, 2) == (std::array<int, 3>{x * 4, x * 4, x * 4}));
  }
}

TEST_CASE("an animated GIF decodes to its first frame", "[image]") {
  temp_dir dir;
  std::string gif = dir.file("red_then_blue.gif");
  REQUIRE(vs::test::run_command(
              "ffmpeg -nostdin -loglevel error -y -filter_complex "
              "'color=c=red:s=32x16:r=10:d=0.1,format=rgb24[a];color=c=blue:s=32x16:r=10:d=0.2,format=rgb24[b];"
              "[a][b]concat=n=2:v=1:a=0,split[x][y];[x]palettegen=reserve_transparent=0[p];[y][p]paletteuse' '" +
              gif + "'") == 0);
  auto image = decode_image_file(gif, defaults, anywhere);
  REQUIRE(image);
  CHECK(image->width == 32);
  CHECK(image->height == 16);
  for (auto [x, y] : {std::pair{0, 0}, std::pair{16, 8}, std::pair{31, 15}})
    CHECK(rgb_at(*image, x, y) == (std::array<int, 3>{255, 0, 0}));
}

TEST_CASE("alpha is composited over black", "[image]") {
  temp_dir dir;
  // Three white pixels: opaque, half transparent, fully transparent.
  const uint8_t rgba[] = {255, 255, 255, 255, 255, 255, 255, 128, 255, 255, 255, 0};
  std::string path = dir.file("alpha.png");
  REQUIRE(stbi_write_png(path.c_str(), 3, 1, 4, rgba, 3 * 4) != 0);
  auto image = decode_image_file(path, defaults, anywhere);
  REQUIRE(image);
  CHECK(rgb_at(*image, 0, 0) == (std::array<int, 3>{255, 255, 255}));
  auto [r, g, b] = rgb_at(*image, 1, 0);
  CHECK(r == Approx(128).margin(1));
  CHECK(g == r);
  CHECK(b == r);
  CHECK(rgb_at(*image, 2, 0) == (std::array<int, 3>{0, 0, 0}));
  // Grey plus alpha goes the same way.
  const uint8_t grey_alpha[] = {200, 255, 200, 0};
  std::string grey = dir.file("grey_alpha.png");
  REQUIRE(stbi_write_png(grey.c_str(), 2, 1, 2, grey_alpha, 2 * 2) != 0);
  auto grey_image = decode_image_file(grey, defaults, anywhere);
  REQUIRE(grey_image);
  CHECK(rgb_at(*grey_image, 0, 0) == (std::array<int, 3>{200, 200, 200}));
  CHECK(rgb_at(*grey_image, 1, 0) == (std::array<int, 3>{0, 0, 0}));
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
  std::string missing = dir.file("missing.png");

  struct bad_case {
    std::string path;
    errc code;
    std::string message;  ///< exact, or a prefix when it ends with ": "
  };
  for (const auto& [path, code, message] : std::vector<bad_case>{
           {truncated, errc::input_invalid,
            "image " + truncated + " is a truncated or corrupt PNG: a chunk runs past the end of the file"},
           {empty, errc::input_invalid, "image " + empty + " is empty"},
           {text, errc::input_invalid, "image " + text + " is not a readable JPEG, PNG, BMP or GIF"},
           {missing, errc::input_missing, "image " + missing + " does not exist"},
           {dir.path().string(), errc::input_invalid, "image " + dir.path().string() + " is not a regular file"}}) {
    INFO(path);
    auto image = decode_image_file(path, defaults, anywhere);
    REQUIRE_FALSE(image);
    CHECK(image.error().code == code);
    if (message.size() >= 2 && message.compare(message.size() - 2, 2, ": ") == 0)
      CHECK(image.error().message.rfind(message, 0) == 0);
    else
      CHECK(image.error().message == message);
  }
}

TEST_CASE("an image over the pixel limit is refused from its header", "[image][errors]") {
  temp_dir dir;
  std::string path = dir.file("big.png");
  vs::test::write_test_png(path, 200, 100);
  image_decode_limits small;
  small.max_pixels = 10'000;
  check_too_large(path, small, "image " + path + " is 200x100, over the limit of 10000 pixels");
  // Exactly at the limit is fine.
  small.max_pixels = 20'000;
  CHECK(decode_image_file(path, small, anywhere));
}

TEST_CASE("a forged header over the pixel limit is refused without decoding", "[image][errors]") {
  temp_dir dir;
  std::string real = dir.file("real.png");
  vs::test::write_test_png(real, 32, 32);
  // 9000x9000 is 81 MP, over the default 64 MP; the file has no pixel data, so
  // an attempt to decode it would fail as input_invalid instead.
  std::string bytes = forged_png_header(real, 9000, 9000);
  std::string forged = dir.file("forged.png");
  vs::test::write_bytes(forged, bytes);
  auto image = decode_image_file(forged, defaults, anywhere);
  REQUIRE_FALSE(image);
  CHECK(image.error().code == errc::input_too_large);
  CHECK(image.error().message == "image " + forged + " is 9000x9000, over the limit of 64000000 pixels");
  auto in_memory = decode_image_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "slide 3",
                                       defaults);
  REQUIRE_FALSE(in_memory);
  CHECK(in_memory.error().code == errc::input_too_large);
  CHECK(in_memory.error().message == "image slide 3 is 9000x9000, over the limit of 64000000 pixels");
  // Under the limit the same header gets as far as decoding, and fails there.
  std::string small_forged = dir.file("small_forged.png");
  vs::test::write_bytes(small_forged, forged_png_header(real, 900, 900));
  auto truncated = decode_image_file(small_forged, defaults, anywhere);
  REQUIRE_FALSE(truncated);
  CHECK(truncated.error().code == errc::input_invalid);
  // A header claiming about 2^31 x 2^31 fails before any allocation.
  std::string hostile = dir.file("hostile.png");
  vs::test::write_bytes(hostile, forged_png_header(real, 0x7f7f7f7f, 0x7f7f7f7f));
  auto refused = decode_image_file(hostile, defaults, anywhere);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message.find(hostile) != std::string::npos);
}

TEST_CASE("an image file over the byte limit is refused", "[image][errors]") {
  temp_dir dir;
  std::string path = dir.file("photo.png");
  vs::test::write_test_png(path, 64, 64);
  auto size = static_cast<int64_t>(std::filesystem::file_size(path));
  image_decode_limits limits;
  limits.max_file_bytes = size - 1;
  auto image = decode_image_file(path, limits, anywhere);
  REQUIRE_FALSE(image);
  CHECK(image.error().code == errc::input_too_large);
  CHECK(image.error().message ==
        "image " + path + " is " + std::to_string(size) + " bytes, over the limit of " + std::to_string(size - 1) + " bytes");
  limits.max_file_bytes = size;
  CHECK(decode_image_file(path, limits, anywhere));
}

namespace {

std::string le16(uint32_t v) { return {static_cast<char>(v & 0xff), static_cast<char>((v >> 8) & 0xff)}; }
std::string be16(uint32_t v) { return {static_cast<char>((v >> 8) & 0xff), static_cast<char>(v & 0xff)}; }
std::string le32(uint32_t v) { return le16(v & 0xffff) + le16(v >> 16); }
std::string be32(uint32_t v) { return be16(v >> 16) + be16(v & 0xffff); }

/// A header alone (no pixel data) declaring `width` × `height`, in every
/// format stb_image reads, each as its specification lays it out.
std::vector<std::pair<std::string, std::string>> headers_declaring(uint32_t width, uint32_t height) {
  using std::string;
  string png = string("\x89PNG\r\n\x1a\n", 8) + be32(13) + "IHDR" + be32(width) + be32(height) +
               string("\x08\x02\x00\x00\x00", 5) + be32(0);
  string jpeg = string("\xff\xd8", 2) + string("\xff\xe0", 2) + be16(16) + string("JFIF\0\x01\x01\0", 8) +
                be16(1) + be16(1) + string("\0\0", 2) +
                string("\xff\xc0", 2) + be16(17) + string("\x08", 1) + be16(height) + be16(width) +
                string("\x03\x01\x22\x00\x02\x11\x01\x03\x11\x01", 10);
  string bmp = "BM" + le32(54) + le32(0) + le32(54) + le32(40) + le32(width) + le32(height) + le16(1) + le16(24) +
               le32(0) + le32(0) + le32(2835) + le32(2835) + le32(0) + le32(0);
  string gif = "GIF89a" + le16(width) + le16(height) + string("\0\0\0", 3);
  string psd = "8BPS" + be16(1) + string(6, '\0') + be16(3) + be32(height) + be32(width) + be16(8) + be16(3);
  string hdr = "#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n\n-Y " + std::to_string(height) + " +X " +
               std::to_string(width) + "\n";
  string pnm = "P6\n" + std::to_string(width) + " " + std::to_string(height) + "\n255\n";
  string tga = string("\0\0\x02", 3) + string(5, '\0') + le16(0) + le16(0) + le16(width) + le16(height) +
               string("\x18\0", 2);
  string pic = string("\x53\x80\xf6\x34", 4) + string(84, '\0') + "PICT" + be16(width) + be16(height) +
               string(8, '\0') + string("\0\x08\0\xf0", 4) + string(4, '\0');  // one packet, then data
  return {{"header.png", png}, {"header.jpg", jpeg}, {"header.bmp", bmp}, {"header.gif", gif},
          {"header.psd", psd}, {"header.hdr", hdr},  {"header.ppm", pnm}, {"header.tga", tga},
          {"header.pic", pic}};
}

} // namespace

TEST_CASE("a header over the pixel limit is reported as too large in every format stb reads", "[image][errors]") {
  temp_dir dir;
  // Formats the service does not offer are refused as such (stb_input_check),
  // except a PIC header, whose declared size is read before that check.
  auto offered = [](const std::string& name) {
    return name == "header.png" || name == "header.jpg" || name == "header.bmp" || name == "header.gif";
  };
  // 30000x30000 is 900 MP: stb_image itself refuses to describe such a PNG,
  // JPEG or PIC ("too large"), which read as "not an image" before.
  for (const auto& [name, bytes] : headers_declaring(30000, 30000)) {
    INFO(name);
    const std::string path = dir.file(name);
    vs::test::write_bytes(path, bytes);
    if (!offered(name) && name != "header.pic") {
      auto header = probe_image_file(path, defaults, anywhere);
      REQUIRE_FALSE(header);
      CHECK(header.error().message == "image " + path + " is not a readable JPEG, PNG, BMP or GIF");
      continue;
    }
    check_too_large(path, defaults, "image " + path + " is 30000x30000, over the limit of 64000000 pixels");
    auto in_memory = decode_image_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), name, defaults);
    REQUIRE_FALSE(in_memory);
    CHECK(in_memory.error().code == errc::input_too_large);
  }
  // The same headers at a small size are read as what they declare: the
  // crafted bytes are valid headers, not refused for another reason. (The
  // JPEG is only a header: it has no scan, so it is refused as corrupt.)
  for (const auto& [name, bytes] : headers_declaring(300, 200)) {
    INFO(name);
    const std::string path = dir.file("small-" + name);
    vs::test::write_bytes(path, bytes);
    auto header = probe_image_file(path, defaults, anywhere);
    if (name == "header.jpg") {
      REQUIRE_FALSE(header);
      CHECK(header.error().message == "image " + path + " is a corrupt JPEG: a component of the picture is in no scan");
      continue;
    }
    if (!offered(name)) {
      REQUIRE_FALSE(header);
      CHECK(header.error().message == "image " + path + " is not a readable JPEG, PNG, BMP or GIF");
      continue;
    }
    REQUIRE(header);
    CHECK(header->width == 300);
    CHECK(header->height == 200);
  }
}

TEST_CASE("a header whose pixel count overflows 64 bits is over the limit, not accepted", "[image][errors]") {
  // Found by fuzz/image_fuzz: width × height computed in int64_t overflowed
  // (undefined behaviour; in practice a product that wrapped could pass).
  temp_dir dir;
  for (const auto& [name, bytes] : headers_declaring(0xE3E3E3E3u, 0xE3E3E3E3u)) {
    if (name != "header.png")
      continue;  // PNG holds unsigned 32-bit sides (BMP's are signed: refused as invalid)
    INFO(name);
    const std::string path = dir.file("huge-" + name);
    vs::test::write_bytes(path, bytes);
    auto header = probe_image_file(path, defaults, anywhere);
    REQUIRE_FALSE(header);
    CHECK(header.error().code == errc::input_too_large);
    CHECK(header.error().message.find("3823363043x") != std::string::npos);
  }
}

TEST_CASE("a JPEG whose frame header follows large metadata segments is still measured", "[image][errors]") {
  temp_dir dir;
  auto headers = headers_declaring(30000, 30000);
  const std::string& jpeg = headers[1].second;
  // Five 64 KB APP1 segments (EXIF-sized) between the start and the frame header.
  std::string metadata;
  for (int i = 0; i < 5; ++i)
    metadata += std::string("\xff\xe1", 2) + be16(65535) + std::string(65533, 'x');
  const std::string path = dir.file("metadata.jpg");
  vs::test::write_bytes(path, jpeg.substr(0, 2) + metadata + jpeg.substr(2));
  auto header = probe_image_file(path, defaults, anywhere);
  REQUIRE_FALSE(header);
  CHECK(header.error().message == "image " + path + " is 30000x30000, over the limit of 64000000 pixels");
}

TEST_CASE("images that stb_image 2.27 mishandles are refused before stb decodes them", "[image][errors]") {
  // Found by fuzz/image_fuzz. Debian 12's stb_image copies every declared
  // Huffman code into its 256-entry tables (writing past them), decodes a
  // scan whose quantisation table is never defined from uninitialised memory
  // (the slide shows leftover heap contents; so does a component in no scan),
  // and allocates whatever length a PNG chunk declares before reading it.
  temp_dir dir;
  using vs::test::image_flaw;
  struct flawed {
    image_flaw flaw;
    const char* file;
    std::string problem;
  };
  for (const auto& [flaw, file, problem] : std::vector<flawed>{
           {image_flaw::oversized_huffman_table, "huffman.jpg", "is a corrupt JPEG: a Huffman table declares more than 256 codes"},
           {image_flaw::undefined_quantisation_table, "quantisation.jpg",
            "is a corrupt JPEG: a scan uses a quantisation table that is never defined"},
           {image_flaw::undefined_huffman_table, "dc_table.jpg",
            "is a corrupt JPEG: a scan uses a Huffman table that is never defined"},
           {image_flaw::no_scan, "no_scan.jpg", "is a corrupt JPEG: a component of the picture is in no scan"},
           {image_flaw::overlong_png_chunk, "chunk.png", "is a truncated or corrupt PNG: a chunk runs past the end of the file"}}) {
    std::string hostile = dir.file(file);
    vs::test::write_flawed_image(hostile, flaw);
    INFO(hostile);
    auto image = decode_image_file(hostile, defaults, anywhere);
    REQUIRE_FALSE(image);
    CHECK(image.error().code == errc::input_invalid);
    CHECK(image.error().message == "image " + hostile + " " + problem);
    std::string bytes = slurp_prefix(hostile, 1 << 20);
    auto in_memory = decode_image_memory(reinterpret_cast<const uint8_t*>(bytes.data()), bytes.size(), "slide 2",
                                         defaults);
    REQUIRE_FALSE(in_memory);
    CHECK(in_memory.error().message == "image slide 2 " + problem);
    // The table flaws are in the headers: the probe at submit time sees them too.
    if (flaw != image_flaw::overlong_png_chunk && flaw != image_flaw::no_scan) {
      auto header = probe_image_file(hostile, defaults, anywhere);
      REQUIRE_FALSE(header);
      CHECK(header.error().message == "image " + hostile + " " + problem);
    }
  }
  // The same pictures without the flaws decode.
  vs::test::write_test_jpeg(dir.file("intact.jpg"), 64, 64);
  vs::test::write_test_png(dir.file("intact.png"), 64, 64);
  CHECK(decode_image_file(dir.file("intact.jpg"), defaults, anywhere));
  CHECK(decode_image_file(dir.file("intact.png"), defaults, anywhere));
}

TEST_CASE("a palette BMP with a pixel beyond its palette is refused before stb decodes it", "[image][errors]") {
  // Found by fuzz/image_fuzz: stb_image leaves the palette entries a BMP
  // does not define uninitialised and shows them (stack contents).
  temp_dir dir;
  std::string beyond = dir.file("beyond.bmp");
  vs::test::write_palette_bmp(beyond, 0, 5);
  auto image = decode_image_file(beyond, defaults, anywhere);
  REQUIRE_FALSE(image);
  CHECK(image.error().code == errc::input_invalid);
  CHECK(image.error().message == "image " + beyond + " is a corrupt BMP: a pixel uses a colour its palette does not have");
  // The fuzzer's input: pixel data offset 0, inside the header, so no palette at all.
  std::string no_palette = dir.file("no_palette.bmp");
  vs::test::write_bytes(no_palette, std::string("BM6\x03\x00\x00\x36\x00\x00\x00\x00\x00\x00\x00\x28\x00\x00\x00"
                                                "\x10\x00\x00\x00\x46\x00\x00\x00\x01\x00\x08\x00\x00\x00\x00\x00"
                                                "\x00\x03\x00\x01\x00\x61\x90\x00\x0f\x53\x8b\x49\x44\x41\x84\x54"
                                                "\x00\x00\x00\x00\x00\x6e\x66\x6f\x45\xff\xff\x00",
                                                62));
  auto refused = decode_image_file(no_palette, defaults, anywhere);
  REQUIRE_FALSE(refused);
  CHECK(refused.error().message == "image " + no_palette + " is a corrupt BMP: a pixel uses a colour its palette does not have");
  // Pixels within the palette decode to its colours.
  std::string within = dir.file("within.bmp");
  vs::test::write_palette_bmp(within, 0, 1);
  auto decoded = decode_image_file(within, defaults, anywhere);
  REQUIRE(decoded);
  CHECK(rgb_at(*decoded, 0, 0) == std::array<int, 3>{0, 0, 255});
  CHECK(rgb_at(*decoded, 1, 0) == std::array<int, 3>{0, 255, 0});
}

TEST_CASE("formats stb reads but the service does not offer are refused", "[image][errors]") {
  // PNM, TGA, PSD, HDR and PIC never reach stb_image 2.27's loaders.
  temp_dir dir;
  std::string source = dir.file("source.png");
  vs::test::write_test_png(source, 32, 32);
  for (const char* name : {"slide.ppm", "slide.tga"}) {
    std::string path = convert(dir, source, name, "");
    INFO(path);
    auto header = probe_image_file(path, defaults, anywhere);
    REQUIRE_FALSE(header);
    CHECK(header.error().code == errc::input_invalid);
    CHECK(header.error().message == "image " + path + " is not a readable JPEG, PNG, BMP or GIF");
    auto image = decode_image_file(path, defaults, anywhere);
    REQUIRE_FALSE(image);
    CHECK(image.error().message == "image " + path + " is not a readable JPEG, PNG, BMP or GIF");
  }
}
