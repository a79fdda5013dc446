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

/// Cover-crops `source` to the aspect of `size`, scales it there (area filter
/// when shrinking, bicubic when enlarging) and converts to YUV 4:2:0.
expected<yuv_image> make_working_image(const rgb_image& source, working_size size);

} // namespace vs::media
