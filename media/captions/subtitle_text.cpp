// SubRip and WebVTT text into cues. Both are blocks separated by blank
// lines: an optional identifier, a time line "start --> end", text lines.

#include "media/captions/caption_file.hpp"

#include "media/captions/utf8.hpp"

#include <cctype>
#include <optional>
#include <vector>

namespace vs::media::captions {

namespace {

struct text_line {
  std::string_view text;
  int number = 0;  ///< 1-based, for messages
};

/// Lines without their terminators (\n, \r\n or \r).
std::vector<text_line> split_lines(std::string_view text) {
  std::vector<text_line> lines;
  size_t at = 0;
  int number = 1;
  while (at <= text.size()) {
    size_t end = text.find_first_of("\r\n", at);
    if (end == std::string_view::npos) {
      if (at < text.size())
        lines.push_back({text.substr(at), number});
      break;
    }
    lines.push_back({text.substr(at, end - at), number++});
    at = end + ((text[end] == '\r' && end + 1 < text.size() && text[end + 1] == '\n') ? 2 : 1);
  }
  return lines;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front())))
    text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back())))
    text.remove_suffix(1);
  return text;
}

bool is_blank(std::string_view line) { return trim(line).empty(); }

bool all_digits(std::string_view text) {
  if (text.empty())
    return false;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return false;
  return true;
}

/// Reads up to `max_digits` digits (at least one) at `at`.
std::optional<long long> read_digits(std::string_view text, size_t& at, size_t max_digits) {
  size_t start = at;
  long long value = 0;
  while (at < text.size() && at - start < max_digits && std::isdigit(static_cast<unsigned char>(text[at])))
    value = value * 10 + (text[at++] - '0');
  if (at == start)
    return std::nullopt;
  return value;
}

/// "[HH:]MM:SS[,.]mmm" at `at` (hours may be omitted, as WebVTT allows).
std::optional<double> read_timestamp(std::string_view text, size_t& at) {
  std::vector<long long> fields;
  for (;;) {
    auto number = read_digits(text, at, fields.empty() ? 9 : 2);
    if (!number)
      return std::nullopt;
    fields.push_back(*number);
    if (at < text.size() && text[at] == ':' && fields.size() < 3) {
      ++at;
      continue;
    }
    break;
  }
  if (fields.size() < 2 || at >= text.size() || (text[at] != ',' && text[at] != '.'))
    return std::nullopt;
  ++at;
  size_t fraction_start = at;
  auto fraction = read_digits(text, at, 3);
  if (!fraction)
    return std::nullopt;
  double scale = fraction_start + 1 == at ? 10.0 : fraction_start + 2 == at ? 100.0 : 1000.0;
  long long hours = fields.size() == 3 ? fields[0] : 0;
  long long minutes = fields[fields.size() - 2];
  long long seconds = fields.back();
  if (minutes > 59 || seconds > 59)
    return std::nullopt;
  return static_cast<double>(hours * 3600 + minutes * 60 + seconds) + static_cast<double>(*fraction) / scale;
}

struct time_line {
  double start = 0;
  double end = 0;
};

/// "start --> end" followed by anything (WebVTT cue settings, SRT coordinates).
std::optional<time_line> read_time_line(std::string_view line) {
  line = trim(line);
  size_t at = 0;
  auto start = read_timestamp(line, at);
  if (!start)
    return std::nullopt;
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
    ++at;
  if (line.compare(at, 3, "-->") != 0)
    return std::nullopt;
  at += 3;
  while (at < line.size() && (line[at] == ' ' || line[at] == '\t'))
    ++at;
  auto end = read_timestamp(line, at);
  if (!end || (at < line.size() && line[at] != ' ' && line[at] != '\t'))
    return std::nullopt;
  return time_line{*start, *end};
}

/// Markup both formats carry in practice (<i>, <font …>, <c.yellow>, <v Name>,
/// <00:00:01.000>, {\an8}) removed, the common entities decoded.
std::string plain_text(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (c == '<' && i + 1 < text.size() &&
        (std::isalnum(static_cast<unsigned char>(text[i + 1])) || text[i + 1] == '/')) {
      size_t close = text.find('>', i);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (c == '{' && i + 1 < text.size() && text[i + 1] == '\\') {
      size_t close = text.find('}', i);
      if (close != std::string_view::npos) {
        i = close;
        continue;
      }
    }
    if (c == '&') {
      static const std::pair<std::string_view, std::string_view> entities[] = {
          {"&amp;", "&"}, {"&lt;", "<"}, {"&gt;", ">"}, {"&quot;", "\""}, {"&#39;", "'"}, {"&nbsp;", "\xC2\xA0"}};
      bool decoded = false;
      for (const auto& [entity, replacement] : entities)
        if (text.compare(i, entity.size(), entity) == 0) {
          out += replacement;
          i += entity.size() - 1;
          decoded = true;
          break;
        }
      if (decoded)
        continue;
    }
    out.push_back(c);
  }
  return out;
}

std::string timestamp_text(double seconds) { return format_timestamp(seconds); }

enum class subtitle_format { srt, vtt };

class block_parser {
public:
  block_parser(std::string_view text, const std::string& name, const caption_limits& limits, subtitle_format format)
      : name_(name), limits_(limits), format_(format) {
    if (text.size() >= 3 && text.compare(0, 3, "\xEF\xBB\xBF") == 0)
      text.remove_prefix(3);
    text_ = text;
  }

  expected<timed_captions> run() {
    if (auto valid = check_encoding(); !valid)
      return valid.error();
    lines_ = split_lines(text_);
    size_t at = 0;
    if (format_ == subtitle_format::vtt) {
      if (lines_.empty() || lines_[0].text.substr(0, 6) != "WEBVTT" ||
          (lines_[0].text.size() > 6 && lines_[0].text[6] != ' ' && lines_[0].text[6] != '\t'))
        return fail(1, "a WebVTT file must start with the line WEBVTT");
      at = skip_block(0);
    }
    while (true) {
      while (at < lines_.size() && is_blank(lines_[at].text))
        ++at;
      if (at >= lines_.size())
        break;
      auto next = read_block(at);
      if (!next)
        return next.error();
      at = *next;
    }
    return std::move(result_);
  }

private:
  error fail(int line, const std::string& message) const {
    return make_error(errc::input_invalid, name_ + ", line " + std::to_string(line) + ": " + message, "captions");
  }

  status check_encoding() const {
    size_t bad = first_invalid_utf8(text_);
    if (bad == std::string_view::npos)
      return {};
    int line = 1;
    for (size_t i = 0; i < bad; ++i)
      line += text_[i] == '\n' ? 1 : 0;
    return fail(line, "the text is not UTF-8 (save the file as UTF-8)");
  }

  size_t skip_block(size_t at) const {
    while (at < lines_.size() && !is_blank(lines_[at].text))
      ++at;
    return at;
  }

  bool starts_next_cue(size_t at) const {
    // Files that forget the blank line between cues: a cue number followed by a time line.
    return at + 1 < lines_.size() && all_digits(trim(lines_[at].text)) && read_time_line(lines_[at + 1].text);
  }

  expected<size_t> read_block(size_t at) {
    std::string_view first = trim(lines_[at].text);
    if (format_ == subtitle_format::vtt && (first.substr(0, 4) == "NOTE" || first == "STYLE" || first == "REGION"))
      return skip_block(at);
    auto times = read_time_line(first);
    if (!times) {
      // An identifier: a cue number in SRT, any text without "-->" in WebVTT.
      bool identifier = format_ == subtitle_format::srt ? all_digits(first) : first.find("-->") == std::string::npos;
      if (!identifier)
        return fail(lines_[at].number, expected_time_line(first));
      if (at + 1 >= lines_.size() || is_blank(lines_[at + 1].text))
        return fail(lines_[at].number, "cue " + std::string(first) + " has no time line after it");
      ++at;
      times = read_time_line(lines_[at].text);
      if (!times)
        return fail(lines_[at].number, expected_time_line(trim(lines_[at].text)));
    }
    const int time_line_number = lines_[at].number;
    if (times->end <= times->start)
      return fail(time_line_number, "the cue ends at " + timestamp_text(times->end) + ", not after its start at " +
                                        timestamp_text(times->start));
    if (!result_.cues.empty() && times->start < result_.cues.back().start)
      return fail(time_line_number, "the cue starts at " + timestamp_text(times->start) + ", before the cue above it (" +
                                        timestamp_text(result_.cues.back().start) + "): cues must be in time order");
    if (times->end > limits_.max_seconds)
      return fail(time_line_number, "the cue ends after the limit of " + timestamp_text(limits_.max_seconds));
    ++at;
    std::string text;
    while (at < lines_.size() && !is_blank(lines_[at].text) && !starts_next_cue(at)) {
      if (!text.empty())
        text += '\n';
      text += plain_text(trim(lines_[at].text));
      ++at;
    }
    text_bytes_ += static_cast<int64_t>(text.size());
    if (text_bytes_ > limits_.max_text_bytes)
      return make_error(errc::input_too_large,
                        name_ + " holds more than " + std::to_string(limits_.max_text_bytes) + " bytes of text",
                        "captions");
    if (trim(text).empty())
      return at;  // a cue with nothing to show
    if (static_cast<int64_t>(result_.cues.size()) >= limits_.max_cues)
      return make_error(errc::input_too_large,
                        name_ + " has more than " + std::to_string(limits_.max_cues) + " cues", "captions");
    result_.cues.push_back({times->start, times->end, std::string(trim(text))});
    return at;
  }

  std::string expected_time_line(std::string_view got) const {
    const char* example =
        format_ == subtitle_format::srt ? "00:00:01,000 --> 00:00:02,500" : "00:00:01.000 --> 00:00:02.500";
    return std::string("expected a time line like ") + example + ", got \"" + std::string(got.substr(0, 80)) + "\"";
  }

  std::string_view text_;
  std::string name_;
  const caption_limits& limits_;
  subtitle_format format_;
  std::vector<text_line> lines_;
  timed_captions result_;
  int64_t text_bytes_ = 0;
};

} // namespace

expected<timed_captions> parse_srt(std::string_view text, const std::string& name, const caption_limits& limits) {
  return block_parser(text, name, limits, subtitle_format::srt).run();
}

expected<timed_captions> parse_vtt(std::string_view text, const std::string& name, const caption_limits& limits) {
  return block_parser(text, name, limits, subtitle_format::vtt).run();
}

} // namespace vs::media::captions
