#include "media/decode_cost.hpp"

#include "media/image_layout.hpp"
#include "media/memory_estimate.hpp"

#include <algorithm>
#include <cstring>
#include <initializer_list>

namespace vs::media {

namespace {

int64_t most_of(std::initializer_list<int64_t> phases) { return std::max(phases); }

/// stb_image 2.27's PNG path: it joins the compressed data (up to the file's
/// size), inflates all of it into one buffer, unfilters (and deinterlaces,
/// with a pass and the whole picture at once) into another and expands a
/// palette into a third before it frees the inflated data; 16 bits are
/// narrowed to 8 into one more after that.
decode_cost png_cost(const png_layout& png, int64_t pixels, int64_t file_bytes) {
  const int64_t sample_bytes = png.bit_depth == 16 ? 2 : 1;
  const bool palette = png.colour_type == 3;
  const int channels = png_channels(png.colour_type);
  const bool alpha_added = png.transparency && !palette && channels % 2 == 1;  // grey or RGB plus tRNS
  const int64_t unfiltered_channels = palette ? 1 : channels + (alpha_added ? 1 : 0);
  const auto inflated = static_cast<int64_t>(png_pixel_data_limit(png));
  const int64_t unfiltered = pixels * unfiltered_channels * sample_bytes;
  const int64_t pass = png.interlaced ? static_cast<int64_t>(png_largest_pass_pixels(png)) * unfiltered_channels * sample_bytes : 0;
  const int64_t palette_channels = png.transparency ? 4 : 3;
  const int64_t final_channels = palette ? palette_channels : unfiltered_channels;
  decode_cost cost;
  cost.bytes = most_of({file_bytes + inflated,                                               // joined and inflated
                        inflated + unfiltered + pass,                                         // unfiltered
                        palette ? inflated + pixels + pixels * palette_channels : 0,          // palette expanded
                        sample_bytes == 2 ? unfiltered + pixels * unfiltered_channels : 0,    // 16 bits to 8
                        pixels * std::max<int64_t>(3, final_channels)});                      // RGB
  const bool alpha = png.colour_type == 4 || png.colour_type == 6 || png.transparency;
  cost.layout = std::string(sample_bytes == 2 ? "a 16-bit " : png.interlaced ? "an " : "a ") +
                (png.interlaced ? "interlaced " : "") + (palette ? "palette " : "") + "PNG" + (alpha ? " with alpha" : "");
  if (sample_bytes == 2)
    cost.cheaper = "with 8 bits per channel";
  if (png.interlaced)
    cost.cheaper += (cost.cheaper.empty() ? "" : " and ") + std::string("without interlacing");
  return cost;
}

/// stb_image 2.27's JPEG path: every component's samples padded to whole
/// MCUs (plus 16-bit coefficients for a progressive JPEG), all held while
/// the output (3 bytes a pixel, 1 for grey) is written.
decode_cost jpeg_cost(jpeg_layout jpeg, int64_t width, int64_t height) {
  if (jpeg.components.empty())  // unread: the dearest stb accepts
    jpeg.components.assign(4, jpeg_component{});
  int horizontal_max = 1;
  int vertical_max = 1;
  for (const auto& component : jpeg.components) {
    horizontal_max = std::max(horizontal_max, component.horizontal);
    vertical_max = std::max(vertical_max, component.vertical);
  }
  const int64_t mcus_across = (width + 8 * horizontal_max - 1) / (8 * horizontal_max);
  const int64_t mcus_down = (height + 8 * vertical_max - 1) / (8 * vertical_max);
  int64_t held = 0;
  for (const auto& component : jpeg.components) {
    const int64_t samples = mcus_across * component.horizontal * 8 * mcus_down * component.vertical * 8;
    held += samples + 15 + (jpeg.progressive ? 2 * samples + 15 : 0) + width + 3;  // samples, coefficients, line buffer
  }
  const int64_t output_channels = jpeg.components.size() >= 3 ? 3 : 1;
  decode_cost cost;
  cost.bytes = most_of({held + width * height * output_channels, width * height * 3});
  cost.layout = std::string("a ") + (jpeg.progressive ? "progressive " : "") + "JPEG" +
                (jpeg.components.size() == 4 ? " in CMYK" : "");
  if (jpeg.progressive)
    cost.cheaper = "as a baseline JPEG";
  return cost;
}

bool starts_with(const image_bytes& bytes, const char* signature, size_t length) {
  uint8_t head[8] = {};
  return bytes.read_at(0, head, length) == length && std::memcmp(head, signature, length) == 0;
}

} // namespace

int64_t default_max_decode_bytes(int64_t max_pixels) { return 12 * max_pixels + decode_overhead_bytes; }

decode_cost estimate_decode_cost(const image_bytes& bytes, int64_t width, int64_t height) {
  const int64_t pixels = width * height;
  decode_cost cost;
  if (auto png = read_png_layout(bytes)) {
    cost = png_cost(*png, pixels, static_cast<int64_t>(bytes.size()));
  } else if (starts_with(bytes, "\xff\xd8", 2)) {
    cost = jpeg_cost(read_jpeg_layout(bytes).value_or(jpeg_layout{}), width, height);
  } else if (starts_with(bytes, "GIF", 3)) {
    cost.bytes = 9 * pixels;  // picture, background (4 bytes a pixel each) and history (1)
    cost.layout = "a GIF";
  } else if (starts_with(bytes, "BM", 2)) {
    cost.bytes = 4 * pixels;  // RGB or RGBA, converted in place
    cost.layout = "a BMP";
  } else {
    cost.bytes = 20 * pixels;  // not offered (refused before); the dearest layout stb has
    cost.layout = "an image";
  }
  cost.bytes += decode_overhead_bytes;
  return cost;
}

status check_decode_cost(const image_bytes& bytes, int64_t width, int64_t height, const std::string& name,
                         int64_t max_decode_bytes) {
  const decode_cost cost = estimate_decode_cost(bytes, width, height);
  if (cost.bytes <= max_decode_bytes)
    return {};
  return make_error(errc::input_too_large,
                    "image " + name + " would take an estimated " + std::to_string(to_mib(cost.bytes)) +
                        " MB to decode (" + cost.layout + " of " + std::to_string(width) + "x" + std::to_string(height) +
                        "), over the " + std::to_string(to_mib(max_decode_bytes)) +
                        " MB one image decode may use; save it with fewer pixels" +
                        (cost.cheaper.empty() ? "" : " or " + cost.cheaper));
}

} // namespace vs::media
