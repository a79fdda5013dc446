#include "media/picture_options.hpp"
#include "media/hex_digit.hpp"

#include <array>
#include <cstdio>

namespace vs::media {

namespace {

/// "a, b or c" for an error message.
template <class Names>
std::string listing(const Names& names, const char* last_joint = " or ") {
  std::string text;
  for (size_t i = 0; i < names.size(); ++i)
    text += (i == 0 ? "" : (i + 1 == names.size() ? last_joint : ", ")) + std::string(names[i]);
  return text;
}

template <class Kind, size_t N>
expected<Kind> parse_name(const std::array<Kind, N>& kinds, const std::string& text, const std::string& field,
                          const char* what) {
  std::array<const char*, N> names{};
  for (size_t i = 0; i < N; ++i) {
    names[i] = to_string(kinds[i]);
    if (text == names[i])
      return kinds[i];
  }
  return make_error(errc::invalid_argument,
                    field + " must be " + what + " " + listing(names) + " (got \"" + text + "\")", field);
}

constexpr std::array<fit_mode, 3> fits = {fit_mode::cover, fit_mode::contain, fit_mode::blur};
constexpr std::array<motion_kind, 8> motions = {motion_kind::automatic, motion_kind::in,   motion_kind::out,
                                                motion_kind::left,      motion_kind::right, motion_kind::up,
                                                motion_kind::down,      motion_kind::none};

} // namespace

const std::vector<transition_kind>& all_transitions() {
  static const std::vector<transition_kind> kinds = {
      transition_kind::crossfade,  transition_kind::fadeblack,  transition_kind::fadewhite, transition_kind::none,
      transition_kind::slideleft,  transition_kind::slideright, transition_kind::slideup,   transition_kind::slidedown,
      transition_kind::wipeleft,   transition_kind::wiperight,  transition_kind::wipeup,    transition_kind::wipedown,
      transition_kind::zoom,       transition_kind::circle};
  return kinds;
}

const char* to_string(transition_kind kind) {
  switch (kind) {
    case transition_kind::crossfade: return "crossfade";
    case transition_kind::fadeblack: return "fadeblack";
    case transition_kind::fadewhite: return "fadewhite";
    case transition_kind::none: return "none";
    case transition_kind::slideleft: return "slideleft";
    case transition_kind::slideright: return "slideright";
    case transition_kind::slideup: return "slideup";
    case transition_kind::slidedown: return "slidedown";
    case transition_kind::wipeleft: return "wipeleft";
    case transition_kind::wiperight: return "wiperight";
    case transition_kind::wipeup: return "wipeup";
    case transition_kind::wipedown: return "wipedown";
    case transition_kind::zoom: return "zoom";
    case transition_kind::circle: return "circle";
  }
  return "crossfade";
}

expected<transition_kind> parse_transition(const std::string& text, const std::string& field) {
  for (auto kind : all_transitions())
    if (text == to_string(kind))
      return kind;
  std::vector<const char*> names;
  for (auto kind : all_transitions())
    names.push_back(to_string(kind));
  names.push_back("random");
  return make_error(errc::invalid_argument,
                    field + " must be one of " + listing(names) + " (got \"" + text + "\")", field);
}

expected<transition_choice> parse_transition_choice(const std::string& text, const std::string& field) {
  if (text == "random")
    return transition_choice{true, transition_kind::crossfade};
  auto kind = parse_transition(text, field);
  if (!kind)
    return kind.error();
  return transition_choice{false, *kind};
}

const char* to_string(fit_mode fit) {
  switch (fit) {
    case fit_mode::cover: return "cover";
    case fit_mode::contain: return "contain";
    case fit_mode::blur: return "blur";
  }
  return "cover";
}

expected<fit_mode> parse_fit(const std::string& text, const std::string& field) {
  return parse_name(fits, text, field, "one of");
}

const char* to_string(motion_kind motion) {
  switch (motion) {
    case motion_kind::automatic: return "auto";
    case motion_kind::in: return "in";
    case motion_kind::out: return "out";
    case motion_kind::left: return "left";
    case motion_kind::right: return "right";
    case motion_kind::up: return "up";
    case motion_kind::down: return "down";
    case motion_kind::none: return "none";
  }
  return "auto";
}

expected<motion_kind> parse_motion(const std::string& text, const std::string& field) {
  return parse_name(motions, text, field, "one of");
}

expected<rgb_color> parse_color(const std::string& text, const std::string& field) {
  auto invalid = [&] {
    return make_error(errc::invalid_argument,
                      field + " must be a colour as \"#RRGGBB\" or \"#RGB\" (got \"" + text + "\")", field);
  };
  if ((text.size() != 7 && text.size() != 4) || text[0] != '#')
    return invalid();
  std::array<int, 6> digits{};
  const size_t count = text.size() - 1;
  for (size_t i = 0; i < count; ++i)
    if ((digits[i] = hex_digit_value(text[i + 1])) < 0)
      return invalid();
  auto channel = [&](size_t i) {
    // "#RGB" doubles each digit: #f80 is #ff8800.
    return static_cast<uint8_t>(count == 3 ? digits[i] * 17 : digits[2 * i] * 16 + digits[2 * i + 1]);
  };
  return rgb_color{channel(0), channel(1), channel(2)};
}

std::string to_string(rgb_color color) {
  char text[8];
  std::snprintf(text, sizeof text, "#%02x%02x%02x", color.r, color.g, color.b);
  return text;
}

} // namespace vs::media
