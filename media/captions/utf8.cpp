#include "media/captions/utf8.hpp"

#include <locale.h>
#include <wctype.h>

namespace vs::media::captions {

namespace {

/// Length of the sequence a lead byte starts, or 0 for a byte that cannot lead.
size_t sequence_length(unsigned char lead) {
  if (lead < 0x80)
    return 1;
  if (lead >= 0xC2 && lead <= 0xDF)
    return 2;
  if (lead >= 0xE0 && lead <= 0xEF)
    return 3;
  if (lead >= 0xF0 && lead <= 0xF4)
    return 4;
  return 0;
}

bool is_continuation(unsigned char byte) { return (byte & 0xC0) == 0x80; }

/// Decodes the sequence at `at` (already known to be valid).
char32_t decode_at(std::string_view text, size_t at, size_t length) {
  auto byte = [&](size_t i) { return static_cast<char32_t>(static_cast<unsigned char>(text[at + i])); };
  switch (length) {
    case 1: return byte(0);
    case 2: return ((byte(0) & 0x1F) << 6) | (byte(1) & 0x3F);
    case 3: return ((byte(0) & 0x0F) << 12) | ((byte(1) & 0x3F) << 6) | (byte(2) & 0x3F);
    default: return ((byte(0) & 0x07) << 18) | ((byte(1) & 0x3F) << 12) | ((byte(2) & 0x3F) << 6) | (byte(3) & 0x3F);
  }
}

/// The C.UTF-8 locale for towupper_l: the process locale stays untouched
/// (setlocale is global and not thread-safe).
locale_t utf8_locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(nullptr));
  return locale;
}

} // namespace

size_t first_invalid_utf8(std::string_view text) {
  size_t at = 0;
  while (at < text.size()) {
    size_t length = sequence_length(static_cast<unsigned char>(text[at]));
    if (length == 0 || at + length > text.size())
      return at;
    for (size_t i = 1; i < length; ++i)
      if (!is_continuation(static_cast<unsigned char>(text[at + i])))
        return at;
    char32_t code_point = decode_at(text, at, length);
    bool overlong = (length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000);
    bool surrogate = code_point >= 0xD800 && code_point <= 0xDFFF;
    if (overlong || surrogate || code_point > 0x10FFFF)
      return at;
    at += length;
  }
  return std::string_view::npos;
}

std::u32string decode_utf8(std::string_view text) {
  std::u32string out;
  out.reserve(text.size());
  size_t at = 0;
  while (at < text.size()) {
    size_t length = sequence_length(static_cast<unsigned char>(text[at]));
    if (length == 0 || at + length > text.size())
      break;  // callers validate first; stop rather than read past the end
    out.push_back(decode_at(text, at, length));
    at += length;
  }
  return out;
}

void append_utf8(std::string& out, char32_t code_point) {
  auto put = [&](char32_t bits) { out.push_back(static_cast<char>(bits)); };
  if (code_point < 0x80) {
    put(code_point);
  } else if (code_point < 0x800) {
    put(0xC0 | (code_point >> 6));
    put(0x80 | (code_point & 0x3F));
  } else if (code_point < 0x10000) {
    put(0xE0 | (code_point >> 12));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  } else {
    put(0xF0 | (code_point >> 18));
    put(0x80 | ((code_point >> 12) & 0x3F));
    put(0x80 | ((code_point >> 6) & 0x3F));
    put(0x80 | (code_point & 0x3F));
  }
}

std::string encode_utf8(std::u32string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char32_t code_point : text)
    append_utf8(out, code_point);
  return out;
}

bool is_wide(char32_t c) {
  return (c >= 0x1100 && c <= 0x115F) ||    // Hangul Jamo
         (c >= 0x2E80 && c <= 0x303E) ||    // CJK radicals, punctuation
         (c >= 0x3041 && c <= 0x33FF) ||    // Kana, CJK symbols
         (c >= 0x3400 && c <= 0x4DBF) ||    // CJK extension A
         (c >= 0x4E00 && c <= 0x9FFF) ||    // CJK unified ideographs
         (c >= 0xA000 && c <= 0xA4CF) ||    // Yi
         (c >= 0xAC00 && c <= 0xD7A3) ||    // Hangul syllables
         (c >= 0xF900 && c <= 0xFAFF) ||    // CJK compatibility ideographs
         (c >= 0xFE30 && c <= 0xFE4F) ||    // CJK compatibility forms
         (c >= 0xFF00 && c <= 0xFF60) ||    // full-width forms
         (c >= 0xFFE0 && c <= 0xFFE6) ||
         (c >= 0x20000 && c <= 0x3FFFD);    // CJK extensions B and beyond
}

std::string to_upper(std::string_view text) {
  locale_t locale = utf8_locale();
  std::u32string code_points = decode_utf8(text);
  if (locale != static_cast<locale_t>(nullptr))
    for (char32_t& c : code_points)
      c = static_cast<char32_t>(towupper_l(static_cast<wint_t>(c), locale));
  return encode_utf8(code_points);
}

} // namespace vs::media::captions
