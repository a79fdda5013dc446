#pragma once
/// A slide's working image as its fit mode asks: `cover` crops the picture to
/// the frame's aspect, `contain` shows all of it on bars of the background
/// colour, `blur` shows all of it over a blurred, darkened cover-crop of
/// itself. Composed once per slide at the working size, so every frame after
/// that costs what a covered slide costs; Ken Burns moves the composition.
/// A picture with alpha is composed over what lies under it: the background
/// colour, or the blurred fill.

#include "media/error.hpp"
#include "media/image_decode.hpp"
#include "media/picture_options.hpp"
#include "media/working_image.hpp"
#include "media/yuv.hpp"

#include <cstdint>

namespace vs::media {

/// How one slide is fitted (media/slide_plan picks it per slide).
struct slide_look {
  fit_mode fit = fit_mode::cover;
  rgb_color background{};
};

/// A colour in BT.709 limited-range YUV, rounded as libswscale rounds the pictures.
struct yuv_color {
  uint8_t y = 16;
  uint8_t u = 128;
  uint8_t v = 128;
};
yuv_color to_yuv(rgb_color color);

/// Where a `source_width` × `source_height` picture lies when contained in
/// `size`: as large as fits, centred, on even pixels (4:2:0 chroma stays
/// aligned, so bars keep exactly their colour).
crop_rect contain_rect(int source_width, int source_height, working_size size);

/// The working image of `source` (taken by value: a transparent picture is
/// flattened in place) for `look` at `size`.
expected<yuv_image> compose_slide(rgb_image source, working_size size, const slide_look& look);

/// Bytes a composition holds beyond the working image itself while it is
/// made, at most (media/memory_estimate): the contained picture, its alpha
/// and the small blurred fill.
int64_t composition_bytes(working_size size);

} // namespace vs::media
