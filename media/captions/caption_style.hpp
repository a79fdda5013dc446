#pragma once
/// How captions look. Sizes are fractions of the frame so one style suits
/// every resolution; the defaults look like a modern Short: bold white text
/// with a black outline, large, in the lower third above the platform's
/// buttons and title.

#include "media/error.hpp"

#include <cstdint>
#include <optional>
#include <string>

namespace vs::media::captions {

enum class caption_position { bottom, center, top };

const char* to_string(caption_position position);
/// "bottom", "center" or "top"; errors name `caption_style.position`.
expected<caption_position> parse_position(const std::string& text);

/// An sRGB colour with opacity (255: opaque).
struct rgba {
  uint8_t r = 0;
  uint8_t g = 0;
  uint8_t b = 0;
  uint8_t a = 255;

  bool operator==(const rgba& other) const { return r == other.r && g == other.g && b == other.b && a == other.a; }
};

/// "#RRGGBB" or "#RRGGBBAA" (hex, either case); `field` names it in errors.
expected<rgba> parse_color(const std::string& text, const std::string& field);
/// "#RRGGBBAA".
std::string to_string(const rgba& color);

struct caption_style {
  std::string font;                        ///< font family; empty: Noto Sans (fallbacks per glyph either way)
  bool bold = true;
  double size = 0.05;                      ///< font size, fraction of the frame height
  rgba color{255, 255, 255, 255};
  rgba highlight_color{255, 214, 0, 255};  ///< the word being spoken (word timings only)
  rgba outline_color{0, 0, 0, 255};
  double outline = 0.08;                   ///< outline width, fraction of the font size
  bool box = false;                        ///< a rounded translucent box behind the text
  rgba box_color{0, 0, 0, 160};
  caption_position position = caption_position::bottom;
  /// Distance from the bottom (or top) edge, fraction of the frame height;
  /// unset: 0.22 on portrait frames (clear of a Short's title and buttons),
  /// 0.08 on landscape ones. Ignored for center.
  std::optional<double> margin;
  int max_lines = 2;                       ///< longer cues are shown as consecutive pages
  bool uppercase = false;
};

/// The family captions are drawn in when the style names none.
constexpr const char* default_caption_font = "Noto Sans";

/// Checks the numbers and the font name's form (not whether it is
/// installed). Errors name the field: "caption_style.size".
status validate(const caption_style& style);

/// The margin in effect for a frame of this size.
double margin_fraction(const caption_style& style, int width, int height);

/// errc::invalid_argument (field caption_style.font) unless fontconfig knows
/// a family of this name (compared case-insensitively, as fontconfig does).
status check_font_installed(const std::string& family);

} // namespace vs::media::captions
