#pragma once
/// Decodes a still image (JPEG, PNG 8/16-bit incl. grey, palette and alpha,
/// BMP, GIF first frame) into 8-bit RGB, compositing any alpha onto black
/// and keeping the alpha beside it (media/fit_compose composes it over the
/// slide's background).
/// Dimensions are read from the header and checked against the pixel limit,
/// and the decode's memory against its limit, before a single pixel is
/// decoded. The file is streamed to the decoder, never copied whole into
/// memory, and the decoder's own buffer becomes the RGB picture.

#include "media/error.hpp"
#include "media/image_bytes.hpp"
#include "media/pixel_buffer.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"

#include <cstdint>
#include <vector>
#include <string>

namespace vs::media {

/// Tightly packed 8-bit RGB, rows top to bottom.
struct rgb_image {
  int width = 0;
  int height = 0;
  pixel_buffer pixels;          ///< width × height × 3 bytes, premultiplied (over black)
  std::vector<uint8_t> alpha{}; ///< empty: opaque; else width × height coverage values
};

struct image_decode_limits {
  int64_t max_pixels = 64'000'000;
  int64_t max_file_bytes = 256LL << 20;
  /// The most memory one decode may take (media/decode_cost); 0:
  /// default_max_decode_bytes(max_pixels).
  int64_t max_decode_bytes = 0;

  int64_t decode_bytes() const;
};

/// The image limits of a render's limits.
image_decode_limits image_limits_of(const render_limits& limits);

/// Reads and decodes `path`, opened confined to `roots` (media/confined_file:
/// the roots are checked on the file actually read). Errors name the file:
/// input_missing if it does not exist, forbidden_path outside the roots,
/// input_too_large over a limit (file bytes from the opened descriptor,
/// pixels and decode memory from the headers), input_invalid if it is empty,
/// truncated, corrupt (a PNG whose pixel data inflates past its size
/// included), not a regular file or not an image.
expected<rgb_image> decode_image_file(const std::string& path, const image_decode_limits& limits,
                                      const root_folders& roots);

/// Same, for bytes already in memory; `name` is used in error messages.
expected<rgb_image> decode_image_memory(const uint8_t* data, size_t size, const std::string& name,
                                        const image_decode_limits& limits);

} // namespace vs::media
