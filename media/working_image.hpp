#pragma once
/// Turns a decoded slide into its working image: cropped to the output's aspect
/// (cover, centred), resampled once with a proper filter to output size × zoom,
/// and converted to BT.709 YUV 4:2:0. Every frame of the slide is then sampled
/// from this picture; nothing is rescaled per frame.

#include "media/error.hpp"
#include "media/image_decode.hpp"
#include "media/yuv.hpp"

namespace vs::media {

/// The working size for an output of `width` × `height` and Ken Burns zoom
/// `zoom` (1.0 for still slides): the output size scaled by zoom, rounded to
/// even numbers.
struct working_size {
  int width = 0;
  int height = 0;
};
working_size working_size_for(int width, int height, double zoom);

/// A window of a source picture, in its pixels.
struct crop_rect {
  int x = 0;
  int y = 0;
  int width = 0;
  int height = 0;
};

/// The largest centred window of a `source_width` × `source_height` picture
/// with the aspect of `target`.
crop_rect cover_crop(int source_width, int source_height, working_size target);

/// Scales `crop` of `source` to `size` (even; area filter when shrinking,
/// bicubic when enlarging) and converts to BT.709 YUV 4:2:0.
expected<yuv_image> scale_to_yuv(const rgb_image& source, const crop_rect& crop, working_size size);

/// Cover-crops `source` to the aspect of `size`, scales it there (area filter
/// when shrinking, bicubic when enlarging) and converts to YUV 4:2:0.
expected<yuv_image> make_working_image(const rgb_image& source, working_size size);

} // namespace vs::media
