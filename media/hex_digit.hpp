#pragma once
/// One hexadecimal digit's value, for the colour fields (`background`,
/// `caption_style` colours): 0..15, or -1 for any other character.

namespace vs::media {

inline int hex_digit_value(char c) {
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

} // namespace vs::media
