#include "api/picture_fields.hpp"

#include "api/json_text.hpp"

#include <nlohmann/json.hpp>

#include <array>
#include <cmath>
#include <string>

namespace vs::api {

using nlohmann::json;

namespace {

constexpr std::array<const char*, 5> slide_fields = {"path", "duration", "fit", "motion", "focus"};

error must_be(const std::string& field, const std::string& what) {
  return make_error(errc::invalid_argument, field + " must be " + what, field);
}

bool present(const json& body, const char* field) { return body.contains(field) && !body.at(field).is_null(); }

expected<std::string> text_of(const json& value, const std::string& field) {
  if (!value.is_string())
    return must_be(field, "a string");
  return value.get<std::string>();
}

expected<double> seconds_of(const json& value, const std::string& field) {
  if (!value.is_number() || !std::isfinite(value.get<double>()))
    return must_be(field, "a number of seconds");
  return value.get<double>();
}

/// Parses a named value with `parse(text, field)` (the media parsers).
template <class Parse>
auto named(const json& value, const std::string& field, Parse parse) -> decltype(parse(std::string(), field)) {
  auto text = text_of(value, field);
  if (!text)
    return text.error();
  return parse(*text, field);
}

expected<media::picture_point> point_of(const json& value, const std::string& field) {
  if (!value.is_array() || value.size() != 2 || !value[0].is_number() || !value[1].is_number())
    return must_be(field, "[x, y], fractions of the picture between 0 and 1");
  return media::picture_point{value[0].get<double>(), value[1].get<double>()};
}

/// One entry of `slides`: its path (empty if absent) and its options.
status read_slide(const json& entry, size_t index, std::string& path, media::slide_options& options) {
  const std::string name = "slides[" + std::to_string(index) + "]";
  if (entry.is_string()) {  // a bare path is a slide with no options
    path = entry.get<std::string>();
    return {};
  }
  if (!entry.is_object())
    return must_be(name, "an object such as {\"path\": \"a.png\", \"duration\": 2.5}");
  for (const auto& item : entry.items()) {
    bool known = false;
    for (const char* field : slide_fields)
      known = known || item.key() == field;
    if (!known)
      return make_error(errc::invalid_argument,
                        name + " has an unknown field \"" + item.key() + "\" (a slide has " + slide_field_names() + ")",
                        name + "." + item.key());
  }
  auto field = [&](const char* member) { return name + "." + member; };
  if (present(entry, "path")) {
    auto text = text_of(entry.at("path"), field("path"));
    if (!text)
      return text.error();
    path = *text;
  }
  if (present(entry, "duration")) {
    auto duration = seconds_of(entry.at("duration"), field("duration"));
    if (!duration)
      return duration.error();
    options.duration = *duration;
  }
  if (present(entry, "fit")) {
    auto fit = named(entry.at("fit"), field("fit"), media::parse_fit);
    if (!fit)
      return fit.error();
    options.fit = *fit;
  }
  if (present(entry, "motion")) {
    auto motion = named(entry.at("motion"), field("motion"), media::parse_motion);
    if (!motion)
      return motion.error();
    options.motion = *motion;
  }
  if (present(entry, "focus")) {
    auto focus = point_of(entry.at("focus"), field("focus"));
    if (!focus)
      return focus.error();
    options.focus = *focus;
  }
  return {};
}

status read_slides(const json& body, media::render_spec& spec) {
  if (present(body, "image_paths"))
    return make_error(errc::invalid_argument, "give image_paths or slides, not both", "slides");
  const json& list = body.at("slides");
  if (!list.is_array())
    return must_be("slides", "a list of slide objects");
  std::vector<std::string> paths(list.size());
  std::vector<media::slide_options> options(list.size());
  for (size_t i = 0; i < list.size(); ++i)
    if (auto read = read_slide(list[i], i, paths[i], options[i]); !read)
      return read;
  spec.image_paths = std::move(paths);
  spec.pictures.slides = std::move(options);
  return {};
}

status read_transitions(const json& body, media::render_spec& spec) {
  if (present(body, "transition")) {
    auto choice = named(body.at("transition"), "transition", media::parse_transition_choice);
    if (!choice)
      return choice.error();
    spec.pictures.random_transition = choice->random;
    if (!choice->random)
      spec.transition = choice->kind;
  }
  if (present(body, "transitions")) {
    const json& list = body.at("transitions");
    if (!list.is_array())
      return must_be("transitions", "a list of transition names, one per boundary between slides");
    spec.pictures.transitions.clear();
    for (size_t i = 0; i < list.size(); ++i) {
      auto choice = named(list[i], "transitions[" + std::to_string(i) + "]", media::parse_transition_choice);
      if (!choice)
        return make_error(choice.error().code, choice.error().message, "transitions");
      spec.pictures.transitions.push_back(*choice);
    }
  }
  return {};
}

status read_starts(const json& body, media::render_spec& spec) {
  const json& list = body.at("slide_starts");
  if (!list.is_array())
    return must_be("slide_starts", "a list of times in seconds, the first 0");
  spec.pictures.slide_starts.clear();
  for (size_t i = 0; i < list.size(); ++i) {
    auto start = seconds_of(list[i], "slide_starts");
    if (!start)
      return start.error();
    spec.pictures.slide_starts.push_back(*start);
  }
  return {};
}

status read_poster(const json& body, media::render_spec& spec) {
  const json& value = body.at("poster");
  if (value.is_boolean()) {
    spec.pictures.poster = value.get<bool>();
    spec.pictures.poster_time.reset();
    return {};
  }
  if (value.is_number() && std::isfinite(value.get<double>())) {
    spec.pictures.poster = true;
    spec.pictures.poster_time = value.get<double>();
    return {};
  }
  return must_be("poster", "true, false or a time in seconds (got " + json_text(value) + ")");
}

} // namespace

const std::vector<const char*>& picture_field_names() {
  static const std::vector<const char*> names = {"fit",         "background", "motion",       "transition",
                                                 "transitions", "slides",     "slide_starts", "poster"};
  return names;
}

const char* slide_field_names() { return "path, duration, fit, motion and focus"; }

status apply_picture_fields(const json& body, media::render_spec& spec) {
  if (present(body, "fit")) {
    auto fit = named(body.at("fit"), "fit", media::parse_fit);
    if (!fit)
      return fit.error();
    spec.pictures.fit = *fit;
  }
  if (present(body, "background")) {
    auto color = named(body.at("background"), "background", media::parse_color);
    if (!color)
      return color.error();
    spec.pictures.background = *color;
  }
  if (present(body, "motion")) {
    auto motion = named(body.at("motion"), "motion", media::parse_motion);
    if (!motion)
      return motion.error();
    spec.pictures.motion = *motion;
  }
  if (auto transitions = read_transitions(body, spec); !transitions)
    return transitions;
  if (present(body, "slides"))
    if (auto slides = read_slides(body, spec); !slides)
      return slides;
  if (present(body, "slide_starts"))
    if (auto starts = read_starts(body, spec); !starts)
      return starts;
  if (present(body, "poster"))
    if (auto poster = read_poster(body, spec); !poster)
      return poster;
  return {};
}

} // namespace vs::api
