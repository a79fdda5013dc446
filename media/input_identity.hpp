#pragma once
/// What an input file is, told by its content alone (never by its name or a
/// declared type): an image the renderer reads, audio it can decode, or
/// something else, named as well as the bytes allow. Used to refuse an
/// upload that no job could use before it is stored.

#include "media/error.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"

#include <string>

namespace vs::media {

enum class input_kind { image, audio };
const char* to_string(input_kind kind);

struct input_identity {
  input_kind kind = input_kind::image;
  std::string format;      ///< "png", "jpeg", "gif", "bmp"; "mp3", "mp4", "wav", "ogg", "flac", ...
  std::string extension;   ///< for a stored copy: "png", "jpg", "m4a", ...
  int width = 0;           ///< images
  int height = 0;          ///< images
  std::string codec;       ///< audio: the stream's codec ("aac", "mp3", "opus")
  int sample_rate = 0;     ///< audio
  int channels = 0;        ///< audio
  double duration_seconds = 0;  ///< audio, as the container declares it; 0: not declared
};

/// Identifies the file at `path`, opened confined to `roots` (confined_file);
/// `name` names it in messages. An image must start with the signature of a
/// format the renderer offers (JPEG, PNG, BMP, GIF) and pass the checks a
/// render makes (probe_image: header, pixel and decode limits;
/// check_stb_input: the whole file's structure, so a truncated PNG is
/// refused). Audio needs a stream libavformat finds and whose first frame
/// decodes. Errors: errc::input_invalid naming what the file was found to
/// be ("text", "a WebP image", "QuickTime / MOV with 1 video stream and no
/// audio stream", "data of no format the service knows"), or why the image
/// or audio is broken; errc::input_too_large over an image or file limit
/// of `limits`.
expected<input_identity> identify_input(const std::string& path, const std::string& name, const root_folders& roots,
                                        const render_limits& limits);

} // namespace vs::media
