#pragma once
/// What an image's headers declare, read before stb_image sees the file: its
/// size and, for PNG and JPEG, how its pixels are stored, which decides how
/// much memory decoding takes (media/decode_cost) and how far a PNG's pixel
/// data may inflate (media/png_inflate_check).

#include "media/image_bytes.hpp"

#include <cstdint>
#include <optional>
#include <vector>

namespace vs::media {

/// The width and height an image header declares.
struct declared_size {
  int64_t width = 0;
  int64_t height = 0;
};

/// The size a PNG, JPEG or Softimage PIC header declares, read here because
/// stb_image refuses to report the size of a picture it finds too large to
/// decode (PNG over 2^30 bytes, JPEG over 2^31, PIC over 2^28 pixels): the
/// caller could then only say "unreadable" where "over the pixel limit" is
/// the truth. The other formats stb reads report any size. nullopt: not one
/// of these formats, or no size in the header.
std::optional<declared_size> read_declared_size(const image_bytes& bytes);

struct png_layout {
  int64_t width = 0;
  int64_t height = 0;
  int bit_depth = 8;
  int colour_type = 0;         ///< 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
  bool interlaced = false;     ///< Adam7
  /// A tRNS chunk before the pixel data (stb adds an alpha channel for it);
  /// assumed when more chunks than anyone writes come before the pixel data.
  bool transparency = false;
  bool headerless_zlib = false;  ///< Apple's CgBI PNG: raw deflate without zlib's header
};

/// The signature, IHDR and the chunks before the first IDAT; nullopt if
/// the bytes are not a PNG with an IHDR.
std::optional<png_layout> read_png_layout(const image_bytes& bytes);

/// Samples per pixel of a PNG colour type (a palette index is one).
int png_channels(int colour_type);

/// The bytes a PNG's pixel data inflates to: for each row (of each Adam7
/// pass) a filter byte and the row's packed samples.
uint64_t png_pixel_data_bytes(const png_layout& layout);

/// How far past png_pixel_data_bytes the pixel data may inflate and still
/// be decoded: stb accepts trailing data (a PNG in the wild had zeros after
/// its rows, nothing/stb#276), so a little is allowed: 1/64 and 1 KiB.
uint64_t png_pixel_data_limit(const png_layout& layout);

/// Pixels in the largest Adam7 pass (the whole picture if not interlaced):
/// stb holds that pass and the whole picture at once while deinterlacing.
uint64_t png_largest_pass_pixels(const png_layout& layout);

struct jpeg_component {
  int horizontal = 1;  ///< sampling factors, 1..4
  int vertical = 1;
};

struct jpeg_layout {
  int64_t width = 0;
  int64_t height = 0;
  bool progressive = false;
  std::vector<jpeg_component> components;  ///< as the frame header lists them (at most 4 read)
};

/// The first frame header (SOF) of a JPEG; nullopt if there is none before
/// the first scan or the bytes are not a JPEG.
std::optional<jpeg_layout> read_jpeg_layout(const image_bytes& bytes);

} // namespace vs::media
