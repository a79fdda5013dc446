/// A slide file as the service reads it: the header probe that refuses a
/// slide at submit time, then the decode from memory and from the file, all
/// under the pixel limit. Both decodes must agree, and a decoded picture must
/// be as large as its header says and within the limit.
///
/// stb_image is compiled into this target with instrumentation
/// (stb_image_instrumented.cpp), so the fuzzer sees and checks its code too.

#include "fuzz/fuzz_check.hpp"
#include "media/image_decode.hpp"
#include "media/image_probe.hpp"

#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>

namespace {

constexpr const char* target = "image_fuzz";

/// Smaller than the service's 64 MP so that each run stays fast; the checks
/// are the same for any limit.
constexpr vs::media::image_decode_limits limits{1'000'000, 1 << 20};

std::string slide_path;

void check_picture(const vs::media::rgb_image& image, const char* how) {
  const int64_t pixels = int64_t{image.width} * image.height;
  if (image.width <= 0 || image.height <= 0 || pixels > limits.max_pixels)
    vs::fuzz::fail(target, std::string(how) + " gave " + std::to_string(image.width) + "x" +
                               std::to_string(image.height) + " under a limit of " +
                               std::to_string(limits.max_pixels) + " pixels");
  if (image.pixels.size() != static_cast<size_t>(pixels) * 3)
    vs::fuzz::fail(target, std::string(how) + " gave a pixel buffer of the wrong size");
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  slide_path = "/tmp/image_fuzz-" + std::to_string(getpid()) + ".img";
  std::atexit([] { std::remove(slide_path.c_str()); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto from_memory = vs::media::decode_image_memory(data, size, "slide", limits);
  if (from_memory)
    check_picture(*from_memory, "decode_image_memory");
  else if (from_memory.error().message.empty())
    vs::fuzz::fail(target, "a refused image without a message");

  std::ofstream(slide_path, std::ios::binary | std::ios::trunc)
      .write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  auto header = vs::media::probe_image_file(slide_path, limits, {});
  auto from_file = vs::media::decode_image_file(slide_path, limits, {});
  if (from_file.has_value() != from_memory.has_value())
    vs::fuzz::fail(target, "the file and memory decodes disagree: " +
                               (from_file ? from_memory.error().message : from_file.error().message));
  if (!from_file)
    return 0;
  check_picture(*from_file, "decode_image_file");
  // A slide that decodes was accepted at submit time, at the size it decodes to.
  if (!header)
    vs::fuzz::fail(target, "probe refused a decodable image: " + header.error().message);
  if (header->width != from_file->width || header->height != from_file->height)
    vs::fuzz::fail(target, "probe says " + std::to_string(header->width) + "x" + std::to_string(header->height) +
                               ", decode gives " + std::to_string(from_file->width) + "x" +
                               std::to_string(from_file->height));
  if (from_file->pixels != from_memory->pixels)
    vs::fuzz::fail(target, "the file and memory decodes give different pixels");
  return 0;
}
