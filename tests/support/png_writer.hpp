#pragma once
/// PNGs of any layout, written here with zlib: stb_image_write only writes
/// 8-bit, non-interlaced PNGs, and the decoder's limits depend on bit depth,
/// colour type, interlacing and how far the pixel data inflates.

#include <cstdint>
#include <string>

namespace vs::test {

struct png_layout_spec {
  int width = 1;
  int height = 1;
  int bit_depth = 8;       ///< 1, 2, 4, 8 or 16 (as the colour type allows)
  int colour_type = 6;     ///< 0 grey, 2 RGB, 3 palette, 4 grey+alpha, 6 RGBA
  bool interlaced = false; ///< Adam7
  bool transparency = false;  ///< a tRNS chunk (palette: every entry; grey/RGB: colour 0)
};

/// The bytes `spec`'s pixel data inflates to: per row (of each Adam7 pass)
/// a filter byte and the row's packed samples.
uint64_t png_pixel_data_bytes(const png_layout_spec& spec);

/// Writes a PNG of `spec` whose pixel data is exactly what the layout needs
/// (a smooth pattern, filter "none"), followed by `extra_bytes` more zeros in
/// the same zlib stream; `padding_bytes` of an ancillary chunk before the
/// pixel data make the file that much larger without changing the picture.
void write_layout_png(const std::string& path, const png_layout_spec& spec, uint64_t extra_bytes = 0,
                      uint64_t padding_bytes = 0);

/// Writes a 1x1 RGBA PNG whose pixel data inflates to `megabytes` MiB of
/// zeros: a decompression bomb of about 1 KB per MiB (zlib's best ratio),
/// built from one compressed MiB repeated, so it takes milliseconds.
void write_png_bomb(const std::string& path, int megabytes);

} // namespace vs::test
