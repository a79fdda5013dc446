#pragma once
/// Cutting text into what is shown at once. Widths are estimates in ems of
/// a bold sans font (the renderer measures for real and shrinks anything
/// that would still not fit); they only decide where to cut.

#include "media/captions/caption_cue.hpp"

#include <string>
#include <string_view>
#include <vector>

namespace vs::media::captions {

/// Estimated width of `text` in ems: wide (CJK) characters 1, Latin,
/// Cyrillic and the like about 0.6, spaces and thin punctuation 0.3.
double estimated_width(std::string_view text);

/// True unless `before` ends and `after` starts with a wide character (CJK
/// is written without spaces between words).
bool needs_space_between(std::string_view before, std::string_view after);

/// Joins words with a space where needs_space_between says so.
std::string join_words(const std::vector<std::string>& words);

/// Splits text into phrases of at most `max_width` ems: always at sentence
/// ends, then at clause punctuation (, ; : — 、), then between words (or CJK
/// characters) into pieces of even width. Whitespace runs become single
/// spaces. A single word wider than `max_width` stays whole.
std::vector<std::string> split_phrases(std::string_view text, double max_width);

/// Like split_phrases, then consecutive phrases joined while they fit in
/// `max_width`: pages of a long cue, as full as they can be.
std::vector<std::string> split_pages(std::string_view text, double max_width);

/// A run of consecutive words shown together.
struct word_group {
  size_t first = 0;
  size_t count = 0;
};

/// Groups word timings into short phrases: at most `max_words` words and
/// `max_width` ems, a new phrase after a sentence end or a silence longer
/// than `max_gap` seconds.
std::vector<word_group> group_words(const std::vector<caption_word>& words, size_t max_words, double max_width,
                                    double max_gap);

} // namespace vs::media::captions
