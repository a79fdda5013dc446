#pragma once
/// The caption model every input becomes: timed cues, or timed words (then
/// short phrases are shown with the word being spoken highlighted). Times
/// are seconds from the start of the video.

#include "media/error.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vs::media::captions {

struct caption_word {
  double start = 0;
  double end = 0;
  std::string text;
};

struct caption_cue {
  double start = 0;
  double end = 0;
  std::string text;  ///< UTF-8; '\n' is a line break the author asked for
};

/// Bounds checked before anything is allocated for captions.
struct caption_limits {
  int64_t max_file_bytes = 4LL << 20;    ///< a captions file (.srt, .vtt, .json)
  int64_t max_cues = 20000;              ///< cues or words per job
  int64_t max_text_bytes = 1LL << 20;    ///< all caption text of a job together
  double max_seconds = 24 * 3600.0;      ///< no time beyond this
};

/// Checks inline cues: finite times, 0 <= start < end <= max_seconds, starts
/// in order (a cue may overlap the one before; it then replaces it on
/// screen), valid UTF-8, within the limits. `field` starts the messages,
/// which name the entry ("captions[2].end (1) must be after its start
/// (1.5)"); the error's field is always "captions".
status check_cues(const std::vector<caption_cue>& cues, const caption_limits& limits, const std::string& field);

/// The same for word timings; a word may be instantaneous (end == start).
status check_words(const std::vector<caption_word>& words, const caption_limits& limits, const std::string& field);

/// Checks text on its own (captions_text): valid UTF-8, within the limit.
status check_text(const std::string& text, const caption_limits& limits, const std::string& field);

/// "00:01:02,500": hours, minutes, seconds and milliseconds (SRT style).
std::string format_timestamp(double seconds, char decimal_separator = ',');

} // namespace vs::media::captions
