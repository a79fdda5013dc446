#include "media/captions/ass_script.hpp"

#include "media/captions/utf8.hpp"

#include <cmath>
#include <cstdio>

namespace vs::media::captions {

namespace {

/// A space scaled to nothing: libass may break the line there, and nothing shows.
constexpr const char* zero_width_break = "{\\fscx0} {\\fscx100}";

/// CJK punctuation no line may start with, and openers no line may end with.
bool closes(char32_t c) {
  return c == 0x3001 || c == 0x3002 || c == 0xFF0C || c == 0xFF0E || c == 0xFF01 || c == 0xFF1F || c == 0xFF1A ||
         c == 0xFF1B || c == 0x300D || c == 0x300F || c == 0xFF09 || c == 0x3011 || c == 0x30FC;
}
bool opens(char32_t c) { return c == 0x300C || c == 0x300E || c == 0xFF08 || c == 0x3010; }

std::string time_text(int64_t ms) {
  long long centiseconds = static_cast<long long>(ms / 10);
  char text[40];
  std::snprintf(text, sizeof text, "%lld:%02lld:%02lld.%02lld", centiseconds / 360000, centiseconds / 6000 % 60,
                centiseconds / 100 % 60, centiseconds % 100);
  return text;
}

std::string hex_byte(unsigned value) {
  char text[4];
  std::snprintf(text, sizeof text, "%02X", value & 0xFF);
  return text;
}

} // namespace

std::string ass_colour(const rgba& color) {
  return "&H" + hex_byte(255u - color.a) + hex_byte(color.b) + hex_byte(color.g) + hex_byte(color.r);
}

std::string ass_fill_override(const rgba& color) {
  return "{\\1c&H" + hex_byte(color.b) + hex_byte(color.g) + hex_byte(color.r) + "&\\1a&H" + hex_byte(255u - color.a) +
         "&}";
}

std::string ass_text(std::string_view text) {
  std::u32string code_points = decode_utf8(text);
  std::string out;
  out.reserve(text.size() + text.size() / 2);
  for (size_t i = 0; i < code_points.size(); ++i) {
    char32_t c = code_points[i];
    if (i > 0 && is_wide(code_points[i - 1]) && is_wide(c) && !closes(c) && !opens(code_points[i - 1]))
      out += zero_width_break;
    switch (c) {
      case '{': out += "\\{"; break;
      case '}': out += "\\}"; break;
      case '\n': out += "\\N"; break;
      case '\r': break;
      case '\t': out += ' '; break;
      case '\\':
        // A zero-width space after it keeps "\N", "\h", "\{" from forming.
        out += "\\\xE2\x80\x8B";
        break;
      default: append_utf8(out, c);
    }
  }
  return out;
}

std::string ass_header(const ass_header_settings& s) {
  char style[1024];
  std::snprintf(style, sizeof style,
                "Style: Caption,%s,%.2f,%s,%s,%s,&H00000000,%d,0,0,0,100,100,0,0,1,%.2f,0,%d,%d,%d,%d,1\n",
                s.font.c_str(), s.font_px, ass_colour(s.color).c_str(), ass_colour(s.color).c_str(),
                ass_colour(s.outline_color).c_str(), s.bold ? -1 : 0, s.outline_px, s.alignment, s.margin_x, s.margin_x,
                s.margin_y);
  return "[Script Info]\n"
         "ScriptType: v4.00+\n"
         "PlayResX: " + std::to_string(s.width) + "\n"
         "PlayResY: " + std::to_string(s.height) + "\n"
         "WrapStyle: 0\n"
         "ScaledBorderAndShadow: yes\n"
         "\n"
         "[V4+ Styles]\n"
         "Format: Name, Fontname, Fontsize, PrimaryColour, SecondaryColour, OutlineColour, BackColour, Bold, Italic, "
         "Underline, StrikeOut, ScaleX, ScaleY, Spacing, Angle, BorderStyle, Outline, Shadow, Alignment, MarginL, "
         "MarginR, MarginV, Encoding\n" +
         std::string(style) +
         "\n"
         "[Events]\n"
         "Format: Layer, Start, End, Style, Name, MarginL, MarginR, MarginV, Effect, Text\n";
}

std::string ass_dialogue(int64_t start_ms, int64_t end_ms, const std::string& text) {
  return "Dialogue: 0," + time_text(start_ms) + "," + time_text(end_ms) + ",Caption,,0,0,0,," + text + "\n";
}

} // namespace vs::media::captions
