#include "media/render_spec.hpp"

#include "media/poster.hpp"
#include "media/slide_plan.hpp"
#include "media/timeline.hpp"

#include <array>
#include <cmath>
#include <cstdio>

namespace vs::media {

namespace {

constexpr int min_dimension = 16;
constexpr int max_width = 7680;
constexpr int max_height = 4320;
constexpr int max_fps = 120;
constexpr double max_zoom = 4.0;
constexpr double max_slide_seconds = 3600.0;
// x264 accepts up to 250, but its presets stop at 60 (slower, veryslow,
// placebo) because mb-tree gains nothing measurable beyond that, while every
// frame of lookahead holds ~3.3 bytes per output pixel (7 MB at 1080p, 27 MB
// at 4K; bench/x264_memory.cpp).
constexpr int max_lookahead = 60;

bool finite_in(double value, double low, double high) {
  return std::isfinite(value) && value >= low && value <= high;
}

/// The music bed and loudness settings; the bounds are what a mix can use
/// (a bed louder than the voice, or a target no platform plays at, is a typo).
status validate_audio_mix(const render_spec& spec) {
  auto invalid = [](const std::string& field, const std::string& range, double value) {
    char got[32];
    std::snprintf(got, sizeof got, "%g", value);
    return make_error(errc::invalid_argument, field + " must be between " + range + " (got " + got + ")", field);
  };
  if (!finite_in(spec.music_volume, -60.0, 6.0))
    return invalid("music_volume", "-60 and 6 dB", spec.music_volume);
  if (!finite_in(spec.music_fade, 0.0, 30.0))
    return invalid("music_fade", "0 and 30 seconds", spec.music_fade);
  if (!finite_in(spec.ducking, 0.0, 40.0))
    return invalid("ducking", "0 and 40 dB", spec.ducking);
  if (spec.loudness && !finite_in(*spec.loudness, -40.0, -5.0))
    return invalid("loudness", "-40 and -5 LUFS", *spec.loudness);
  if (!spec.music_path.empty() && spec.audio_path.empty())
    return make_error(errc::invalid_argument, "music_path needs a narration (audio_path) to play under",
                      "music_path");
  return {};
}

/// One source at most, each within the limits; text needs a narration to time it by.
status validate_captions(const caption_request& request, const std::string& audio_path,
                         const captions::caption_limits& limits) {
  int sources = !request.path.empty() + !request.cues.empty() + !request.words.empty() + !request.text.empty();
  if (sources > 1)
    return make_error(errc::invalid_argument,
                      request.text.empty() ? "captions holds more than one source"
                                           : "captions and captions_text cannot both be given",
                      request.text.empty() ? "captions" : "captions_text");
  if (auto style = captions::validate(request.style); !style)
    return style;
  if (auto cues = captions::check_cues(request.cues, limits, "captions"); !cues)
    return cues;
  if (auto words = captions::check_words(request.words, limits, "captions.words"); !words)
    return words;
  if (auto text = captions::check_text(request.text, limits, "captions_text"); !text)
    return text;
  if (!request.text.empty() && audio_path.empty())
    return make_error(errc::invalid_argument, "captions_text is timed against the narration: give audio_path too",
                      "captions_text");
  return {};
}

} // namespace

bool is_x264_preset(const std::string& preset) {
  static const std::array<const char*, 10> presets = {"ultrafast", "superfast", "veryfast", "faster", "fast",
                                                      "medium", "slow", "slower", "veryslow", "placebo"};
  for (const char* name : presets)
    if (preset == name)
      return true;
  return false;
}

status validate(const render_spec& spec, const render_limits& limits) {
  auto invalid = [](std::string message, std::string field) {
    return make_error(errc::invalid_argument, std::move(message), std::move(field));
  };
  if (spec.image_paths.empty())
    return invalid("image_paths must list at least one image", "image_paths");
  if (static_cast<int64_t>(spec.image_paths.size()) > limits.max_images)
    return make_error(errc::input_too_large,
                      "image_paths lists " + std::to_string(spec.image_paths.size()) + " images, over the limit of " +
                          std::to_string(limits.max_images),
                      "image_paths");
  if (spec.width < min_dimension || spec.width > max_width || spec.height < min_dimension ||
      spec.height > max_height)
    return invalid("resolution " + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                       " is outside 16x16 .. 7680x4320",
                   "resolution");
  if (spec.width % 2 != 0 || spec.height % 2 != 0)
    return invalid("resolution " + std::to_string(spec.width) + "x" + std::to_string(spec.height) +
                       " must have even width and height",
                   "resolution");
  if (spec.fps < 1 || spec.fps > max_fps)
    return invalid("fps must be between 1 and 120 (got " + std::to_string(spec.fps) + ")", "fps");
  if (!finite_in(spec.slide_duration, 0.1, max_slide_seconds))
    return invalid("slide_duration must be between 0.1 and 3600 seconds", "slide_duration");
  if (!finite_in(spec.transition_duration, 0.0, max_slide_seconds))
    return invalid("transition_duration must be between 0 and 3600 seconds", "transition_duration");
  if (!finite_in(spec.zoom_factor, 1.0, max_zoom))
    return invalid("zoom_factor must be between 1.0 and 4.0", "zoom_factor");
  if (!is_x264_preset(spec.preset))
    return invalid("preset must be an x264 preset such as medium or veryfast (got \"" + spec.preset + "\")",
                   "preset");
  if (spec.crf < 0 || spec.crf > 51)
    return invalid("crf must be between 0 and 51 (got " + std::to_string(spec.crf) + ")", "crf");
  if (spec.lookahead < 0 || spec.lookahead > max_lookahead)
    return invalid("lookahead must be between 0 and " + std::to_string(max_lookahead) + " frames (got " +
                       std::to_string(spec.lookahead) + ")",
                   "lookahead");
  if (spec.audio_bitrate < 32000 || spec.audio_bitrate > 512000)
    return invalid("audio_bitrate must be between 32000 and 512000 bits per second", "audio_bitrate");
  if (spec.encoder_threads < 0 || spec.encoder_threads > 64)
    return invalid("encoder_threads must be between 0 and 64", "encoder_threads");
  if (spec.render_threads < 0 || spec.render_threads > 64)
    return invalid("render_threads must be between 0 and 64", "render_threads");
  if (auto audio = validate_audio_mix(spec); !audio)
    return audio;
  if (spec.audio_path.empty() && spec.sync_to_audio)
    return invalid("audio_path is required unless sync_to_audio is false", "audio_path");
  if (spec.output_path.empty())
    return invalid("an output path is required", "output_path");
  if (auto pictures = validate_pictures(spec); !pictures)
    return pictures.error();
  if (auto captions = validate_captions(spec.captions, spec.audio_path, limits.captions); !captions)
    return captions;
  // When the slides set the length, a slide too short to get a frame is
  // known now; with the narration setting it, once the audio is decoded.
  if (!spec.sync_to_audio) {
    auto slides = timeline_for(spec, std::nullopt);
    if (!slides)
      return slides.error();
    if (auto poster = poster_frame(spec, *slides); !poster)
      return poster.error();
  }
  return {};
}

} // namespace vs::media
