#include "media/captions/phrase_splitter.hpp"

#include "media/captions/utf8.hpp"

#include <algorithm>
#include <cmath>

namespace vs::media::captions {

namespace {

/// How strongly text may be cut after a unit.
enum class cut { none, word, clause, sentence };

/// A word, or one wide character: the smallest piece a phrase is cut into.
struct unit {
  std::u32string text;
  bool space_before = false;
  cut after = cut::word;
  double width = 0;
};

bool is_space(char32_t c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == 0xA0 || c == 0x3000; }

bool is_closing(char32_t c) {
  return c == '"' || c == '\'' || c == ')' || c == ']' || c == 0xBB || c == 0x201D || c == 0x2019 || c == 0x300D ||
         c == 0x300F || c == 0xFF09;
}

/// What a unit's last visible character says about cutting after it.
cut cut_after(const std::u32string& text) {
  auto last = std::find_if(text.rbegin(), text.rend(), [](char32_t c) { return !is_closing(c); });
  if (last == text.rend())
    return cut::word;
  switch (*last) {
    case '.': case '!': case '?': case 0x2026: case 0x3002: case 0xFF01: case 0xFF1F: case 0x061F: case 0x06D4:
      return cut::sentence;
    case ',': case ';': case ':': case 0x2014: case 0x2013: case 0x3001: case 0xFF0C: case 0xFF1B: case 0xFF1A:
    case 0x060C:
      return cut::clause;
    default:
      return cut::word;
  }
}

double char_width(char32_t c) {
  if (is_wide(c))
    return 1.0;
  if (is_space(c) || c == '.' || c == ',' || c == ';' || c == ':' || c == '!' || c == '\'' || c == '"' || c == '|' ||
      c == 'i' || c == 'l' || c == 'j' || c == 'I')
    return 0.3;
  if ((c >= 'A' && c <= 'Z') || (c >= 0x410 && c <= 0x42F) || c == 'm' || c == 'w' || c == 0x448 || c == 0x449 ||
      c == 0x436 || c == 0x44E || c == 0x43C)
    return 0.72;
  return 0.58;
}

double width_of(std::u32string_view text) {
  double width = 0;
  for (char32_t c : text)
    width += char_width(c);
  return width;
}

std::vector<unit> units_of(std::string_view text) {
  std::vector<unit> units;
  bool space = false;
  for (char32_t c : decode_utf8(text)) {
    if (is_space(c)) {
      space = true;
      continue;
    }
    bool starts_unit = units.empty() || space || is_wide(c) || is_wide(units.back().text.back());
    // Closing punctuation after a wide character belongs to it: no line starts with "。".
    if (!units.empty() && !space && !is_wide(c) && is_wide(units.back().text.back()) &&
        (cut_after(std::u32string(1, c)) != cut::word || is_closing(c)))
      starts_unit = false;
    if (is_wide(c) && !units.empty() && !space && (c == 0x3002 || c == 0x3001 || c == 0xFF0C || c == 0xFF01 ||
                                                    c == 0xFF1F || c == 0x300D || c == 0x300F || c == 0xFF09))
      starts_unit = false;
    if (starts_unit) {
      unit next;
      next.space_before = space && !units.empty();
      units.push_back(std::move(next));
    }
    units.back().text.push_back(c);
    space = false;
  }
  for (auto& u : units) {
    u.after = cut_after(u.text);
    u.width = width_of(u.text) + (u.space_before ? char_width(' ') : 0.0);
  }
  return units;
}

std::string text_of(const std::vector<unit>& units, size_t from, size_t to) {
  std::u32string text;
  for (size_t i = from; i < to; ++i) {
    if (i > from && units[i].space_before)
      text.push_back(' ');
    text += units[i].text;
  }
  return encode_utf8(text);
}

double width_of(const std::vector<unit>& units, size_t from, size_t to) {
  double width = 0;
  for (size_t i = from; i < to; ++i)
    width += units[i].width - (i == from && units[i].space_before ? char_width(' ') : 0.0);
  return width;
}

/// Cuts [from, to) into pieces of even width (as many as `max_width`
/// requires), between units.
void split_evenly(const std::vector<unit>& units, size_t from, size_t to, double max_width,
                  std::vector<std::string>& out) {
  double total = width_of(units, from, to);
  size_t pieces = static_cast<size_t>(std::max(1.0, std::ceil(total / max_width)));
  double target = total / static_cast<double>(pieces);
  size_t start = from;
  size_t made = 0;
  double done = 0;
  for (size_t i = from; i + 1 < to && made + 1 < pieces; ++i) {
    done += units[i].width;
    // Cut after unit i when that lands nearer the next even boundary than cutting after i+1 would.
    double boundary = target * static_cast<double>(made + 1);
    if (done >= boundary - units[i + 1].width / 2) {
      out.push_back(text_of(units, start, i + 1));
      start = i + 1;
      ++made;
    }
  }
  out.push_back(text_of(units, start, to));
}

/// Sentence [from, to): whole if it fits, else clauses packed greedily, and
/// clauses that alone do not fit cut evenly.
void split_sentence(const std::vector<unit>& units, size_t from, size_t to, double max_width,
                    std::vector<std::string>& out) {
  if (width_of(units, from, to) <= max_width) {
    out.push_back(text_of(units, from, to));
    return;
  }
  size_t start = from;
  size_t clause_start = from;
  for (size_t i = from; i < to; ++i) {
    bool clause_end = units[i].after >= cut::clause || i + 1 == to;
    if (!clause_end)
      continue;
    if (width_of(units, start, i + 1) <= max_width) {
      clause_start = i + 1;
      continue;  // the clause joins the phrase being built
    }
    // Close the phrase before this clause, then place the clause.
    if (clause_start > start) {
      out.push_back(text_of(units, start, clause_start));
      start = clause_start;
    }
    if (width_of(units, start, i + 1) > max_width) {
      std::vector<std::string> pieces;
      split_evenly(units, start, i + 1, max_width, pieces);
      out.insert(out.end(), pieces.begin(), pieces.end());
      start = i + 1;
    }
    clause_start = i + 1;
  }
  if (start < to)
    out.push_back(text_of(units, start, to));
}

} // namespace

double estimated_width(std::string_view text) { return width_of(decode_utf8(text)); }

bool needs_space_between(std::string_view before, std::string_view after) {
  std::u32string last = decode_utf8(before);
  std::u32string first = decode_utf8(after);
  return last.empty() || first.empty() || !(is_wide(last.back()) && is_wide(first.front()));
}

std::string join_words(const std::vector<std::string>& words) {
  std::string joined;
  for (const auto& word : words) {
    if (word.empty())
      continue;
    if (!joined.empty() && needs_space_between(joined, word))
      joined += ' ';
    joined += word;
  }
  return joined;
}

std::vector<std::string> split_phrases(std::string_view text, double max_width) {
  std::vector<unit> units = units_of(text);
  std::vector<std::string> phrases;
  size_t start = 0;
  for (size_t i = 0; i < units.size(); ++i)
    if (units[i].after == cut::sentence || i + 1 == units.size()) {
      split_sentence(units, start, i + 1, max_width, phrases);
      start = i + 1;
    }
  return phrases;
}

std::vector<std::string> split_pages(std::string_view text, double max_width) {
  std::vector<std::string> pages;
  for (auto& phrase : split_phrases(text, max_width)) {
    if (!pages.empty()) {
      std::string joined = join_words({pages.back(), phrase});
      if (estimated_width(joined) <= max_width) {
        pages.back() = std::move(joined);
        continue;
      }
    }
    pages.push_back(std::move(phrase));
  }
  return pages;
}

std::vector<word_group> group_words(const std::vector<caption_word>& words, size_t max_words, double max_width,
                                    double max_gap) {
  std::vector<word_group> groups;
  double width = 0;
  for (size_t i = 0; i < words.size(); ++i) {
    double word_width = estimated_width(words[i].text);
    bool fresh = groups.empty();
    if (!fresh) {
      const word_group& current = groups.back();
      const caption_word& previous = words[i - 1];
      std::u32string previous_text = decode_utf8(previous.text);
      fresh = current.count >= max_words || width + 0.3 + word_width > max_width ||
              words[i].start - previous.end > max_gap || cut_after(previous_text) == cut::sentence;
    }
    if (fresh) {
      groups.push_back({i, 0});
      width = 0;
    } else {
      width += 0.3;
    }
    groups.back().count++;
    width += word_width;
  }
  return groups;
}

} // namespace vs::media::captions
