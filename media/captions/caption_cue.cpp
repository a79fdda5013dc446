#include "media/captions/caption_cue.hpp"

#include "media/captions/utf8.hpp"

#include <cmath>
#include <cstdio>

namespace vs::media::captions {

namespace {

std::string number_text(double value) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", value);
  return text;
}

/// Cues and words only ever come from the `captions` field (or its file).
constexpr const char* captions_field = "captions";

error invalid(const std::string& message) { return make_error(errc::invalid_argument, message, captions_field); }

status check_count(size_t count, const caption_limits& limits, const std::string& field, const char* what) {
  if (static_cast<int64_t>(count) > limits.max_cues)
    return make_error(errc::input_too_large,
                      field + " has " + std::to_string(count) + " " + what + ", over the limit of " +
                          std::to_string(limits.max_cues),
                      captions_field);
  return {};
}

/// Times and text of one timed entry; `name` is "captions[2]".
status check_entry(double start, double end, bool allow_instant, const std::string& text, const std::string& name,
                   const caption_limits& limits, const std::string& field, int64_t& text_bytes) {
  if (!std::isfinite(start) || start < 0 || start > limits.max_seconds)
    return invalid(name + ".start must be a time between 0 and " + number_text(limits.max_seconds) +
                              " seconds (got " + number_text(start) + ")");
  if (!std::isfinite(end) || end > limits.max_seconds)
    return invalid(name + ".end must be a time up to " + number_text(limits.max_seconds) + " seconds (got " +
                              number_text(end) + ")");
  if (end < start || (!allow_instant && end == start))
    return invalid(name + ".end (" + number_text(end) + ") must be after its start (" + number_text(start) + ")");
  if (size_t bad = first_invalid_utf8(text); bad != std::string::npos)
    return invalid(name + ".text is not valid UTF-8 (byte " + std::to_string(bad) + ")");
  text_bytes += static_cast<int64_t>(text.size());
  if (text_bytes > limits.max_text_bytes)
    return make_error(errc::input_too_large,
                      field + " holds more than " + std::to_string(limits.max_text_bytes) + " bytes of text",
                      captions_field);
  return {};
}

/// Times, text and order of every entry of a list of cues or words.
template <class Entry>
status check_timed(const std::vector<Entry>& list, const caption_limits& limits, const std::string& field,
                   const char* what, bool allow_instant) {
  if (auto counted = check_count(list.size(), limits, field, what); !counted)
    return counted;
  int64_t text_bytes = 0;
  for (size_t i = 0; i < list.size(); ++i) {
    const Entry& entry = list[i];
    std::string name = field + "[" + std::to_string(i) + "]";
    if (auto checked = check_entry(entry.start, entry.end, allow_instant, entry.text, name, limits, field, text_bytes);
        !checked)
      return checked;
    if (i > 0 && entry.start < list[i - 1].start)
      return invalid(name + " starts at " + number_text(entry.start) + " s, before " + field + "[" +
                     std::to_string(i - 1) + "] (" + number_text(list[i - 1].start) + " s): " + what +
                     " must be in time order");
  }
  return {};
}

} // namespace

status check_cues(const std::vector<caption_cue>& cues, const caption_limits& limits, const std::string& field) {
  return check_timed(cues, limits, field, "cues", false);
}

status check_words(const std::vector<caption_word>& words, const caption_limits& limits, const std::string& field) {
  return check_timed(words, limits, field, "words", true);
}

status check_text(const std::string& text, const caption_limits& limits, const std::string& field) {
  if (static_cast<int64_t>(text.size()) > limits.max_text_bytes)
    return make_error(errc::input_too_large,
                      field + " is " + std::to_string(text.size()) + " bytes, over the limit of " +
                          std::to_string(limits.max_text_bytes),
                      field);
  if (size_t bad = first_invalid_utf8(text); bad != std::string::npos)
    return make_error(errc::invalid_argument, field + " is not valid UTF-8 (byte " + std::to_string(bad) + ")", field);
  return {};
}

std::string format_timestamp(double seconds, char decimal_separator) {
  long long ms = std::llround(std::max(0.0, seconds) * 1000.0);
  char text[48];
  std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld%c%03lld", ms / 3600000, ms / 60000 % 60, ms / 1000 % 60,
                decimal_separator, ms % 1000);
  return text;
}

} // namespace vs::media::captions
