#include "tests/support/fixtures.hpp"

#include <stb/stb_image_write.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <sys/wait.h>
#include <vector>

namespace vs::test {
namespace {

std::vector<uint8_t> make_pattern(int width, int height, int channels, int variant) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * channels);
  for (int y = 0; y < height; ++y) {
    for (int x = 0; x < width; ++x) {
      uint8_t* p = &pixels[(static_cast<size_t>(y) * width + x) * channels];
      bool grid = (x / 64 + y / 64 + variant) % 2 == 0;
      int r = (x * 255 / std::max(1, width - 1) + variant * 85) % 256;
      int g = (y * 255 / std::max(1, height - 1) + variant * 40) % 256;
      int b = grid ? 220 : 30;
      if (channels <= 2) {
        p[0] = static_cast<uint8_t>((r * 2 + g * 5 + b) / 8);
      } else {
        p[0] = static_cast<uint8_t>(r);
        p[1] = static_cast<uint8_t>(g);
        p[2] = static_cast<uint8_t>(b);
      }
      if (channels == 2 || channels == 4)
        p[channels - 1] = static_cast<uint8_t>(x * 255 / std::max(1, width - 1));
    }
  }
  return pixels;
}

} // namespace

void write_test_png(const std::string& path, int width, int height, int channels, int variant) {
  auto pixels = make_pattern(width, height, channels, variant);
  if (!stbi_write_png(path.c_str(), width, height, channels, pixels.data(), width * channels))
    throw std::runtime_error("cannot write " + path);
}

void write_test_jpeg(const std::string& path, int width, int height, int variant) {
  auto pixels = make_pattern(width, height, 3, variant);
  if (!stbi_write_jpg(path.c_str(), width, height, 3, pixels.data(), 90))
    throw std::runtime_error("cannot write " + path);
}

void write_flawed_image(const std::string& path, image_flaw flaw) {
  if (flaw == image_flaw::overlong_png_chunk)
    write_test_png(path, 64, 64);
  else
    write_test_jpeg(path, 64, 64);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  const std::string marker = flaw == image_flaw::overlong_png_chunk             ? "IDAT"
                             : flaw == image_flaw::undefined_quantisation_table ? "\xff\xdb"
                             : flaw == image_flaw::no_scan                      ? "\xff\xda"
                                                                                : "\xff\xc4";
  auto at = bytes.find(marker);
  if (at == std::string::npos || at + 21 > bytes.size())
    throw std::runtime_error("no " + marker + " in " + path);
  switch (flaw) {
    case image_flaw::oversized_huffman_table:  // FF C4, length (2), class/id, 16 code counts: the last two
      bytes[at + 19] = bytes[at + 20] = '\xff';
      break;
    case image_flaw::undefined_quantisation_table:  // FF DB, length (2), precision/id: table 0 becomes 2
    case image_flaw::undefined_huffman_table:       // FF C4, length (2), class/id: DC table 0 becomes 2
      bytes[at + 4] = '\x02';
      break;
    case image_flaw::overlong_png_chunk:  // the 4-byte length before the type: 0x31000000
      bytes.replace(at - 4, 4, std::string("\x31\x00\x00\x00", 4));
      break;
    case image_flaw::no_scan:  // EOI where the scan starts
      bytes = bytes.substr(0, at) + "\xff\xd9";
      break;
  }
  write_bytes(path, bytes);
}

void write_palette_bmp(const std::string& path, uint8_t first, uint8_t second) {
  auto le32 = [](uint32_t value) {
    return std::string{static_cast<char>(value), static_cast<char>(value >> 8), static_cast<char>(value >> 16),
                       static_cast<char>(value >> 24)};
  };
  std::string bytes = "BM" + le32(66) + le32(0) + le32(14 + 40 + 8);             // file header, pixels at 62
  bytes += le32(40) + le32(2) + le32(1) + std::string("\x01\x00\x08\x00", 4);  // 2x1, 1 plane, 8 bits
  bytes += le32(0) + le32(4) + le32(0) + le32(0) + le32(2) + le32(0);            // uncompressed, 2 colours
  bytes += std::string("\xff\x00\x00\x00\x00\xff\x00\x00", 8);              // BGRx: blue, green
  bytes += std::string{static_cast<char>(first), static_cast<char>(second), '\0', '\0'};  // one padded row
  write_bytes(path, bytes);
}

void write_solid_png(const std::string& path, int width, int height, uint8_t r, uint8_t g, uint8_t b) {
  std::vector<uint8_t> pixels(static_cast<size_t>(width) * height * 3);
  for (size_t i = 0; i < pixels.size(); i += 3) {
    pixels[i] = r;
    pixels[i + 1] = g;
    pixels[i + 2] = b;
  }
  if (!stbi_write_png(path.c_str(), width, height, 3, pixels.data(), width * 3))
    throw std::runtime_error("cannot write " + path);
}

void write_bytes(const std::string& path, const std::string& bytes) {
  std::ofstream out(path, std::ios::binary);
  out << bytes;
  if (!out)
    throw std::runtime_error("cannot write " + path);
}

int run_command(const std::string& command) {
  int status = std::system(command.c_str());
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

void write_test_audio(const std::string& path, double seconds, int sample_rate, int channels) {
  std::string codec;
  auto ends_with = [&](const char* suffix) {
    std::string s(suffix);
    return path.size() >= s.size() && path.compare(path.size() - s.size(), s.size(), s) == 0;
  };
  if (ends_with(".mp3"))
    codec = "-c:a libmp3lame -b:a 64k";
  else if (ends_with(".wav"))
    codec = "-c:a pcm_s16le";
  else if (ends_with(".m4a"))
    codec = "-c:a aac -b:a 96k";
  else if (ends_with(".ogg"))
    codec = "-c:a libopus -b:a 48k";
  else if (ends_with(".flac"))
    codec = "-c:a flac";
  else
    throw std::runtime_error("write_test_audio: unknown extension in " + path);
  // A 440 Hz tone with a slow tremolo, so the signal is not constant.
  std::string command = "ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "
                        "'sine=frequency=440:sample_rate=" + std::to_string(sample_rate) +
                        ":duration=" + std::to_string(seconds) + "' -af 'tremolo=f=2:d=0.5' -ac " +
                        std::to_string(channels) + " -ar " + std::to_string(sample_rate) + " " + codec +
                        " '" + path + "'";
  if (run_command(command) != 0)
    throw std::runtime_error("ffmpeg failed: " + command);
}

} // namespace vs::test
