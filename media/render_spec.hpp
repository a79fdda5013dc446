#pragma once
/// The full description of one render: inputs, output geometry, motion and
/// encoder settings. Every entry point (CLI, HTTP, Redis) builds one of these;
/// `validate` is the single place the bounds are checked.

#include "media/captions/caption_cue.hpp"
#include "media/captions/caption_style.hpp"
#include "media/error.hpp"
#include "media/picture_options.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::media {

/// Bounds checked before any memory is allocated for an input.
struct render_limits {
  int64_t max_image_pixels = 64'000'000;         ///< per source image (width × height)
  int64_t max_image_file_bytes = 256LL << 20;    ///< per source image file
  /// Memory one image decode may take (media/decode_cost); 0: 12 bytes a
  /// pixel at max_image_pixels plus a fixed overhead.
  int64_t max_image_decode_bytes = 0;
  int64_t max_audio_file_bytes = 1LL << 30;      ///< each audio file: the narration, the music bed
  double max_audio_seconds = 3 * 3600.0;         ///< decoded narration length
  int max_images = 1000;                         ///< slides per job
  int64_t max_output_frames = 24 * 3 * 3600;     ///< output length in frames
  captions::caption_limits captions;             ///< captions file, cue count, text size
};

/// Captions burned into the video (and written beside it as .srt). At most
/// one source: a file, inline cues, inline word timings, or plain text that
/// is timed against the narration.
struct caption_request {
  std::string path;                           ///< .srt, .vtt or .json file (confined like every input)
  std::vector<captions::caption_cue> cues;    ///< `captions: [{start, end, text}]`
  std::vector<captions::caption_word> words;  ///< `captions: {words: […]}`: karaoke
  std::string text;                           ///< `captions_text`: needs the narration
  captions::caption_style style;

  bool requested() const { return !path.empty() || !cues.empty() || !words.empty() || !text.empty(); }
};

struct render_spec {
  std::string audio_path;                 ///< empty: a silent video, length from slide_duration
  std::vector<std::string> image_paths;   ///< slides in order
  std::string output_path;                ///< final MP4 path (written via a temporary name)
  /// Folders the inputs must lie in, checked on the file actually opened
  /// (after symlinks), not only on the path. Empty: unconfined (the CLI).
  std::vector<std::string> input_roots;

  int width = 1920;
  int height = 1080;
  int fps = 24;
  bool sync_to_audio = true;              ///< slide length derived from the audio length
  double slide_duration = 3.0;            ///< seconds per slide when not synced to audio
  double transition_duration = 0.5;       ///< overlap between consecutive slides, seconds
  transition_kind transition = transition_kind::crossfade;
  bool ken_burns = true;
  double zoom_factor = 1.1;               ///< Ken Burns zoom, 1.0 .. 4.0
  uint64_t seed = 0;                      ///< picks pan directions; same seed, same video

  std::string preset = "medium";          ///< x264 preset
  int crf = 20;                           ///< x264 constant rate factor, 0..51
  /// x264 rc-lookahead in frames. Each frame of lookahead holds ~7 MB at
  /// 1080p: 20 instead of medium's 40 saves ~130 MB per running job for a
  /// file within a few percent of the same size (docs/benchmarks.md).
  int lookahead = 20;
  int audio_bitrate = 128000;             ///< AAC bits per second

  /// Music bed under the narration (any format libavformat reads); empty: none.
  std::string music_path;
  double music_volume = -18.0;            ///< dB: the bed's loudness relative to the voice's
  double music_fade = 1.0;                ///< seconds of fade-in and fade-out of the bed
  double ducking = 10.0;                  ///< dB the bed drops while the voice speaks; 0: no ducking
  /// Integrated loudness of the final mix, LUFS (true peak at most -1 dBTP);
  /// unset: levels are left as they are.
  std::optional<double> loudness = -14.0;
  int encoder_threads = 0;                ///< 0: x264 picks (cores × 1.5)
  int render_threads = 0;                 ///< 0: one per core

  /// Fit, per-slide options (durations, fit, motion, focus), slide starts,
  /// transitions per boundary and the poster (media/picture_options.hpp).
  picture_options pictures;
  caption_request captions;               ///< none by default

  /// Not for rendering: where the service posts the job's final snapshot
  /// (webhooks/); empty: WEBHOOK_URL, if set. Travels with the spec so every
  /// way a job comes in (HTTP, a Redis task's params) can set it.
  std::string callback_url;
};

/// Checks geometry, timing, motion and encoder settings (not the files).
/// The error's `field` names the parameter as the HTTP body spells it.
status validate(const render_spec& spec, const render_limits& limits);

/// True if `preset` is one of x264's preset names.
bool is_x264_preset(const std::string& preset);

} // namespace vs::media
