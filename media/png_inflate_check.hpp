#pragma once
/// Refuses a PNG decompression bomb before stb_image inflates it. stb 2.27
/// inflates all of a PNG's pixel data into one buffer it doubles as needed,
/// up to 4 GB, whatever the header declares: a 783 KB PNG of 1x1 pixels
/// whose data inflates to 768 MB took 4 s and 792 MB, then "decoded". Here
/// the data is inflated first with zlib into a fixed 64 KiB window that is
/// thrown away, stopping as soon as it yields more than the picture needs.

#include "media/error.hpp"
#include "media/image_bytes.hpp"
#include "media/image_layout.hpp"

#include <string>

namespace vs::media {

/// Inflates the pixel data of the PNG in `bytes` (its IDAT chunks up to
/// IEND, as stb joins them) and refuses it (errc::input_invalid, naming
/// `name`) if it inflates past png_pixel_data_limit(layout) or is not valid
/// deflate data. Memory: zlib's state and two 64 KiB buffers, whatever the
/// file. A stream that ends early or a header stb would refuse is left to
/// stb: it cannot inflate far.
status check_png_pixel_data(const image_bytes& bytes, const png_layout& layout, const std::string& name);

} // namespace vs::media
