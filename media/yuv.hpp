#pragma once
/// Planar 8-bit YUV 4:2:0 pictures in BT.709 limited range: the working form of
/// every slide, so frames are sampled plane by plane with no per-frame colour
/// conversion.

#include <cstddef>
#include <cstdint>
#include <vector>

namespace vs::media {

struct yuv_plane {
  int width = 0;
  int height = 0;
  std::vector<uint8_t> pixels;  ///< rows of `width` bytes, no padding

  const uint8_t* row(int y) const { return pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(width); }
  uint8_t* row(int y) { return pixels.data() + static_cast<size_t>(y) * static_cast<size_t>(width); }
};

/// Where a source picture lies in a working image, in luma pixels: past the
/// edges when it was cover-cropped, inside them when contained. Width 0: not
/// known (the whole image).
struct picture_area {
  double x = 0;
  double y = 0;
  double width = 0;
  double height = 0;
};

/// A 4:2:0 picture; luma width and height are even.
struct yuv_image {
  yuv_plane y, u, v;
  picture_area picture;  ///< where the source picture lies (media/ken_burns uses it for a focus)

  int width() const { return y.width; }
  int height() const { return y.height; }
  size_t byte_size() const { return y.pixels.size() + u.pixels.size() + v.pixels.size(); }
};

/// Allocates a picture of the given (even) luma size, all planes zeroed.
yuv_image make_yuv_image(int width, int height);

/// Luma and chroma of BT.709 limited-range black.
constexpr uint8_t black_luma = 16;
constexpr uint8_t black_chroma = 128;
/// Luma of BT.709 limited-range white (its chroma is black_chroma).
constexpr uint8_t white_luma = 235;

} // namespace vs::media
