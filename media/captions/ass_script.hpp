#pragma once
/// Writing the ASS (Advanced SubStation Alpha) script libass renders: the
/// header, the one style, dialogue lines, and caption text made safe for it.

#include "media/captions/caption_style.hpp"

#include <cstdint>
#include <string>
#include <string_view>

namespace vs::media::captions {

/// `&HAABBGGRR`: ASS colours are BGR with inverted alpha (00 = opaque).
std::string ass_colour(const rgba& color);
/// `{\1c&HBBGGRR&\1a&HAA&}`: switches the fill colour inside a line.
std::string ass_fill_override(const rgba& color);

/// Plain text as ASS dialogue text: braces and backslash sequences shown
/// literally, '\n' a forced line break, and a zero-width break opportunity
/// between CJK characters (libass without libunibreak breaks only at spaces).
std::string ass_text(std::string_view text);

struct ass_header_settings {
  int width = 0;
  int height = 0;
  std::string font;
  bool bold = true;
  double font_px = 0;
  double outline_px = 0;
  rgba color;
  rgba outline_color;
  int alignment = 2;  ///< numpad: 2 bottom centre, 5 middle, 8 top centre
  int margin_x = 0;
  int margin_y = 0;
};

/// Script info (play resolution = frame size, so units are pixels), the
/// style "Caption", and the [Events] format line.
std::string ass_header(const ass_header_settings& settings);

/// A dialogue line in style "Caption" from `start_ms` to `end_ms`.
std::string ass_dialogue(int64_t start_ms, int64_t end_ms, const std::string& text);

} // namespace vs::media::captions
