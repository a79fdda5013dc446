#pragma once
/// A caption picture in the frames' own form: coverage and premultiplied
/// BT.709 colour per luma pixel and per 4:2:0 chroma pixel (the average of
/// its 2×2 luma pixels, premultiplied, so edges keep their colour), inside a
/// rectangle with even corners. Built once per caption change, blended onto
/// every frame that shows it.

#include "media/captions/caption_style.hpp"
#include "media/plane_sampler.hpp"

#include <array>
#include <cstdint>
#include <vector>

namespace vs::media::captions {

/// BT.709 limited range, unrounded.
struct yuv_colour {
  double y = 16;
  double u = 128;
  double v = 128;
};
yuv_colour to_bt709(const rgba& color);

/// A coverage bitmap in one colour (what libass hands out per glyph run).
struct coverage_layer {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
  int stride = 0;
  const uint8_t* coverage = nullptr;  ///< 0..255
  rgba color;
};

/// A rounded rectangle drawn under the layers, around their ink plus padding.
struct backing_box {
  rgba color;
  double padding_x = 0;
  double padding_y = 0;
  double radius = 0;
};

struct caption_overlay {
  int x = 0;  ///< even
  int y = 0;  ///< even
  int width = 0;
  int height = 0;
  std::vector<uint8_t> luma_alpha;           ///< width × height
  std::vector<uint16_t> luma_premultiplied;  ///< Y·alpha, 0..255·255
  std::vector<uint8_t> chroma_alpha;         ///< width/2 × height/2
  std::vector<uint16_t> u_premultiplied;
  std::vector<uint16_t> v_premultiplied;

  bool empty() const { return width == 0 || height == 0; }
};

/// Composites `layers` in order (the first at the back) over `box`, if any,
/// clipped to a frame of `frame_width` × `frame_height` (both even).
caption_overlay compose_overlay(const std::vector<coverage_layer>& layers, const backing_box* box, int frame_width,
                                int frame_height);

/// target = target·(1−alpha) + colour·alpha on all three planes.
void blend_overlay(const caption_overlay& overlay, const std::array<plane_view, 3>& target);

} // namespace vs::media::captions
