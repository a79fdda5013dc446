#pragma once
/// The poster of a video: one of its own frames, as the renderer drew it
/// for the encoder (never decoded back from the MP4), as a JPEG beside the
/// video (`{name}.jpg`), written whole or not at all.

#include "media/error.hpp"
#include "media/picture_view.hpp"
#include "media/render_spec.hpp"
#include "media/timeline.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace vs::media {

/// `/out/video/x.mp4` → `/out/video/x.jpg`.
std::string poster_path_for(const std::string& video_path);

/// The frame the poster shows, if the job asks for one: the frame nearest
/// `poster_time`, by default the middle of the first slide's time alone on
/// screen. errc::invalid_argument (field "poster") for a time past the end.
expected<std::optional<int64_t>> poster_frame(const render_spec& spec, const timeline& timeline);

/// JPEG bytes (quality 92, full-resolution chroma) of a BT.709
/// limited-range 4:2:0 picture, converted to sRGB as players show it.
expected<std::string> encode_poster(const picture_view& picture);

/// Writes `bytes` to `path` through a temporary file beside it: fsynced,
/// renamed into place, folder fsynced (media/output_file).
status write_file_atomically(const std::string& path, const std::string& bytes);

/// Upper bound of the bytes a poster holds while it is made for a
/// `width` × `height` video: the RGB picture and the JPEG.
int64_t poster_bytes(int width, int height);

} // namespace vs::media
