#pragma once
/// Reads only an image's header: enough to refuse a missing, unreadable,
/// non-image or oversized slide before any rendering work starts.

#include "media/error.hpp"
#include "media/image_decode.hpp"

#include <string>

namespace vs::media {

struct image_header {
  int width = 0;
  int height = 0;
};

/// Refuses an image of `width` × `height` over the pixel limit, naming it.
status check_image_size(const std::string& name, int width, int height, const image_decode_limits& limits);

/// Checks that `path` exists, is within the file-size limit, has a header
/// stb_image recognises and a pixel count within the limit.
expected<image_header> probe_image_file(const std::string& path, const image_decode_limits& limits);

} // namespace vs::media
