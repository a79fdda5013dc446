#include "media/captions/caption_style.hpp"
#include "media/hex_digit.hpp"

#include <cmath>
#include <cstdio>

namespace vs::media::captions {

namespace {

error invalid(const std::string& field, const std::string& message) {
  return make_error(errc::invalid_argument, message, field);
}

bool finite_in(double value, double low, double high) { return std::isfinite(value) && value >= low && value <= high; }

} // namespace

const char* to_string(caption_position position) {
  switch (position) {
    case caption_position::bottom: return "bottom";
    case caption_position::center: return "center";
    case caption_position::top: return "top";
  }
  return "bottom";
}

expected<caption_position> parse_position(const std::string& text) {
  for (auto position : {caption_position::bottom, caption_position::center, caption_position::top})
    if (text == to_string(position))
      return position;
  return invalid("caption_style.position",
                 "caption_style.position must be bottom, center or top (got \"" + text.substr(0, 40) + "\")");
}

expected<rgba> parse_color(const std::string& text, const std::string& field) {
  auto bad = [&] {
    return invalid(field, field + " must be a colour like \"#FFFFFF\" or \"#000000A0\" (got \"" + text.substr(0, 40) +
                              "\")");
  };
  if ((text.size() != 7 && text.size() != 9) || text[0] != '#')
    return bad();
  uint8_t channels[4] = {0, 0, 0, 255};
  for (size_t i = 0; i * 2 + 1 < text.size(); ++i) {
    int high = hex_digit_value(text[1 + 2 * i]);
    int low = hex_digit_value(text[2 + 2 * i]);
    if (high < 0 || low < 0)
      return bad();
    channels[i] = static_cast<uint8_t>(high * 16 + low);
  }
  return rgba{channels[0], channels[1], channels[2], channels[3]};
}

std::string to_string(const rgba& color) {
  char text[16];
  std::snprintf(text, sizeof text, "#%02X%02X%02X%02X", color.r, color.g, color.b, color.a);
  return text;
}

status validate(const caption_style& style) {
  if (style.font.size() > 128)
    return invalid("caption_style.font", "caption_style.font is longer than 128 bytes");
  for (char c : style.font)
    // A comma would end the font field of the ASS style line; braces and
    // control characters have no place in a family name either.
    if (c == ',' || c == '{' || c == '}' || c == '\\' || static_cast<unsigned char>(c) < 0x20)
      return invalid("caption_style.font", "caption_style.font \"" + style.font +
                                               "\" contains a character no font name has (comma, brace, backslash "
                                               "or control character)");
  if (!finite_in(style.size, 0.01, 0.25))
    return invalid("caption_style.size", "caption_style.size must be between 0.01 and 0.25 of the frame height");
  if (!finite_in(style.outline, 0.0, 0.5))
    return invalid("caption_style.outline", "caption_style.outline must be between 0 and 0.5 of the font size");
  if (style.margin && !finite_in(*style.margin, 0.0, 0.45))
    return invalid("caption_style.margin", "caption_style.margin must be between 0 and 0.45 of the frame height");
  if (style.max_lines < 1 || style.max_lines > 10)
    return invalid("caption_style.max_lines", "caption_style.max_lines must be between 1 and 10");
  return {};
}

double margin_fraction(const caption_style& style, int width, int height) {
  if (style.margin)
    return *style.margin;
  return height > width ? 0.22 : 0.08;
}

} // namespace vs::media::captions
