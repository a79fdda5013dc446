#pragma once
/// How much memory decoding an image takes at most, from its headers alone:
/// what stb_image 2.27 allocates for that layout (it holds several copies of
/// the picture at once, how many depends on the format) plus this service's
/// RGB conversion. The image decoders' share of the memory budget is the
/// most one decode may take (image_decode_limits::max_decode_bytes) times
/// the decoders, so an image that would take more is refused before it is
/// decoded, naming its layout and what would make it cheaper.

#include "media/error.hpp"
#include "media/image_bytes.hpp"

#include <cstdint>
#include <string>

namespace vs::media {

struct decode_cost {
  int64_t bytes = 0;    ///< the peak, overhead included
  std::string layout;   ///< e.g. "a 16-bit PNG with alpha", for messages
  std::string cheaper;  ///< how to save it to cost less, if more than "fewer pixels" helps
};

/// What every decode holds besides its pictures: stb's structures, the read
/// buffer, zlib, the scaler's context, and heap copies of reallocated blocks
/// below glibc's largest mmap threshold (32 MiB).
constexpr int64_t decode_overhead_bytes = 32LL << 20;

/// The most one decode may take when nothing else is set: 12 bytes a pixel
/// at `max_pixels` (a progressive 4:4:4 JPEG, a 16-bit RGB PNG; 8-bit PNGs,
/// baseline JPEGs, GIFs and BMPs take 10 or less) plus the overhead.
int64_t default_max_decode_bytes(int64_t max_pixels);

/// The cost of decoding `bytes`, a JPEG, PNG, BMP or GIF that probed as
/// `width` × `height`. The file's own bytes count only where stb copies
/// them (a PNG's compressed pixel data): the decoder streams the file.
decode_cost estimate_decode_cost(const image_bytes& bytes, int64_t width, int64_t height);

/// Refuses (errc::input_too_large, naming `name`) an image whose decode
/// would take more than `max_decode_bytes`.
status check_decode_cost(const image_bytes& bytes, int64_t width, int64_t height, const std::string& name,
                         int64_t max_decode_bytes);

} // namespace vs::media
