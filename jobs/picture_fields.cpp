#include "jobs/picture_fields.hpp"

#include "jobs/json_text.hpp"

#include <nlohmann/json.hpp>

#include <cmath>
#include <string>

namespace vs::jobs {

using nlohmann::json;

namespace {

/// What a slide object may hold, documented (api/field_doc.hpp); other
/// names are refused.
const std::vector<field_doc> slide_fields = {
    {"path", R"({"type": "string"})",
     "The picture: an absolute path inside MEDIA_ROOTS."},
    {"duration", R"({"type": "number", "exclusiveMinimum": 0})",
     "Seconds on screen, transitions included; the slides without one share the rest of the video. Not with "
     "slide_starts."},
    {"fit", R"({"$ref": "#/components/schemas/Fit"})", "This slide's fit; default: the job's fit."},
    {"motion", R"({"$ref": "#/components/schemas/Motion"})", "This slide's camera; default: the job's motion."},
    {"focus",
     R"({"type": "array", "prefixItems": [{"type": "number", "minimum": 0, "maximum": 1},)"
     R"( {"type": "number", "minimum": 0, "maximum": 1}], "items": false, "minItems": 2})",
     "[x, y]: where the camera zooms to or from (e.g. a face), fractions of the picture's width and height from "
     "its top left corner."},
};

/// "path, duration, fit, motion and focus".
std::string slide_field_names() {
  std::string names;
  for (size_t i = 0; i < slide_fields.size(); ++i)
    names += (i == 0 ? "" : i + 1 == slide_fields.size() ? " and " : ", ") + std::string(slide_fields[i].name);
  return names;
}

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
    for (const auto& field : slide_fields)
      known = known || item.key() == field.name;
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

const std::vector<field_doc>& picture_fields() {
  static const std::vector<field_doc> fields = {
      {"fit", R"({"$ref": "#/components/schemas/Fit"})", "How every slide fills the frame (a slide may set its own)."},
      {"background", R"({"type": "string", "pattern": "^#([0-9A-Fa-f]{3}|[0-9A-Fa-f]{6})$", "default": "#000000"})",
       "\"#RRGGBB\" or \"#RGB\": the bars of fit contain, and what shows through transparent pictures."},
      {"motion", R"({"$ref": "#/components/schemas/Motion"})",
       "The camera on every slide (a slide may set its own), when enable_ken_burns is true."},
      {"transition", R"({"$ref": "#/components/schemas/Transition"})",
       "The transition between every two slides; random draws one per boundary from seed."},
      {"transitions", R"({"type": "array", "items": {"$ref": "#/components/schemas/Transition"}})",
       "One transition per boundary between slides (slides - 1 names); overrides transition."},
      {"slides",
       R"({"type": "array", "minItems": 1, "maxItems": 1000, "items": {"oneOf": [{"type": "string"},)"
       R"( {"$ref": "#/components/schemas/Slide"}]}})",
       "The slides in order, each a path or an object with its own options. Give slides or image_paths, not "
       "both."},
      {"slide_starts", R"({"type": "array", "items": {"type": "number", "minimum": 0}})",
       "When each slide starts, in seconds: the first 0, then increasing, one per slide. Not with slide "
       "durations."},
      {"poster", R"({"oneOf": [{"type": "boolean"}, {"type": "number", "minimum": 0}], "default": false})",
       "Write a poster JPEG (GET /jobs/{id}/poster): true takes the middle of the first slide, a number that "
       "time in seconds."},
  };
  return fields;
}

nlohmann::json picture_schemas() {
  json transitions = json::array();
  for (auto kind : media::all_transitions())
    transitions.push_back(media::to_string(kind));
  transitions.push_back("random");
  json slide = closed_object_schema(slide_fields);
  slide["description"] = "One slide with its own options; anything left out follows the job.";
  return {
      {"Slide", slide},
      {"Fit",
       {{"type", "string"},
        {"enum", {"cover", "contain", "blur"}},
        {"default", "cover"},
        {"description", "cover fills the frame and crops what sticks out; contain shows the whole picture on "
                        "bars of the background colour; blur shows it over a blurred cover-crop of itself."}}},
      {"Motion",
       {{"type", "string"},
        {"enum", {"auto", "in", "out", "left", "right", "up", "down", "none"}},
        {"default", "auto"},
        {"description", "The camera: auto alternates zooming in and out and pans in a direction drawn from the "
                        "seed; in and out zoom towards or from the focus; left, right, up and down drift the "
                        "picture; none holds it still."}}},
      {"Transition",
       {{"type", "string"},
        {"enum", transitions},
        {"default", "crossfade"},
        {"description", "How one slide gives way to the next; random draws one from the seed."}}},
  };
}

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

} // namespace vs::jobs
