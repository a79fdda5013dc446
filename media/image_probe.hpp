#pragma once
/// Reads only an image's header: enough to refuse a missing, unreadable,
/// non-image or oversized slide before any rendering work starts.

#include "media/error.hpp"
#include "media/image_bytes.hpp"
#include "media/image_decode.hpp"
#include "media/root_folders.hpp"

#include <string>

namespace vs::media {

struct image_header {
  int width = 0;
  int height = 0;
};

/// Refuses an image of `width` × `height` over the pixel limit, naming it.
status check_image_size(const std::string& name, int64_t width, int64_t height, const image_decode_limits& limits);

/// Checks that `bytes` start with a header of a format the service offers
/// (JPEG, PNG, BMP, GIF) declaring a size within the pixel limit and a
/// layout whose decode fits the decode memory limit (media/decode_cost). A
/// size over the limit is reported as such whenever the header declares
/// one, even where stb_image would only say "too large".
expected<image_header> probe_image(const image_bytes& bytes, const std::string& name,
                                   const image_decode_limits& limits);

/// Opens `path` confined to `roots` and within the byte limit (see
/// confined_file), then probes the opened file (only its header is read).
expected<image_header> probe_image_file(const std::string& path, const image_decode_limits& limits,
                                        const root_folders& roots);

} // namespace vs::media
