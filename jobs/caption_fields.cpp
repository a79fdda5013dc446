#include "jobs/caption_fields.hpp"

#include "jobs/closest_name.hpp"
#include "jobs/json_text.hpp"
#include "media/captions/caption_file.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>

namespace vs::jobs {

using nlohmann::json;
namespace captions = media::captions;

namespace {

/// What a caption_style object may hold, documented (api/field_doc.hpp);
/// other names are refused. parse_caption_style reads each.
const std::vector<field_doc> caption_style_fields = {
    {"font", R"({"type": "string", "maxLength": 128})",
     "An installed font family (fc-list); default: Noto Sans. Glyphs it lacks come from fallback fonts."},
    {"bold", R"({"type": "boolean", "default": true})", "Bold text."},
    {"size", R"({"type": "number", "minimum": 0.01, "maximum": 0.25, "default": 0.05})",
     "Font size as a fraction of the frame height."},
    {"color", R"({"$ref": "#/components/schemas/CaptionColor", "default": "#FFFFFFFF"})", "The text colour."},
    {"highlight_color", R"({"$ref": "#/components/schemas/CaptionColor", "default": "#FFD600FF"})",
     "The word being spoken (word timings only)."},
    {"outline_color", R"({"$ref": "#/components/schemas/CaptionColor", "default": "#000000FF"})",
     "The outline's colour."},
    {"outline", R"({"type": "number", "minimum": 0, "maximum": 0.5, "default": 0.08})",
     "Outline width as a fraction of the font size."},
    {"box", R"({"oneOf": [{"type": "boolean"}, {"$ref": "#/components/schemas/CaptionColor"}], "default": false})",
     "A rounded translucent box behind the text: true, or the box's colour itself."},
    {"box_color", R"({"$ref": "#/components/schemas/CaptionColor", "default": "#000000A0"})", "The box's colour."},
    {"position", R"({"type": "string", "enum": ["bottom", "center", "top"], "default": "bottom"})",
     "Where the captions sit."},
    {"margin", R"({"type": "number", "minimum": 0, "maximum": 0.45})",
     "Distance from the bottom (or top) edge as a fraction of the frame height; default 0.22 on portrait frames "
     "(clear of a Short's title and buttons), 0.08 on landscape ones. Ignored for center."},
    {"max_lines", R"({"type": "integer", "minimum": 1, "maximum": 10, "default": 2})",
     "Lines on screen at once; a longer cue is shown as consecutive pages."},
    {"uppercase", R"({"type": "boolean", "default": false})", "Show the text in capitals."},
};

/// errc::invalid_argument for the first name of `style` that is not a caption_style field.
status check_style_names(const json& style) {
  std::vector<std::string> known;
  for (const auto& field : caption_style_fields)
    known.emplace_back(field.name);
  for (const auto& item : style.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end())
      continue;
    std::string shown = item.key().size() > 64 ? item.key().substr(0, 64) + "..." : item.key();
    return make_error(errc::invalid_argument,
                      "caption_style has an unknown field " + json_text(json(shown)) + "; did you mean " +
                          json_text(json(closest_name(item.key(), known))) + "?",
                      "caption_style." + shown);
  }
  return {};
}

error wrong_type(const std::string& field, const char* expected_type) {
  return make_error(errc::invalid_argument, field + " must be " + expected_type, field);
}

/// Reads caption_style.`key` with `read` when present and not null.
template <class Read>
status read_style_field(const json& style, const char* key, Read read) {
  auto found = style.find(key);
  if (found == style.end() || found->is_null())
    return {};
  return read(*found, std::string("caption_style.") + key);
}

status read_captions(const json& value, media::caption_request& request) {
  request.path.clear();
  request.cues.clear();
  request.words.clear();
  if (value.is_boolean()) {
    if (!value.get<bool>())
      return {};
    return make_error(errc::invalid_argument,
                      "captions: true takes the narration text of a Redis task chain; here give a captions file "
                      "path, a list of cues, {\"words\": [...]} or captions_text",
                      "captions");
  }
  if (value.is_string()) {
    request.path = value.get<std::string>();
    return {};
  }
  auto timed = captions::parse_caption_json(value, "captions", captions::caption_limits{});
  if (!timed)
    return timed.error();
  request.cues = std::move(timed->cues);
  request.words = std::move(timed->words);
  return {};
}

} // namespace

expected<captions::caption_style> parse_caption_style(const json& value, captions::caption_style style) {
  if (!value.is_object())
    return wrong_type("caption_style", "an object");
  if (auto names = check_style_names(value); !names)
    return names.error();
  auto number = [](double& target) {
    return [&target](const json& v, const std::string& field) -> status {
      if (!v.is_number())
        return wrong_type(field, "a number");
      target = v.get<double>();
      return {};
    };
  };
  auto flag = [](bool& target) {
    return [&target](const json& v, const std::string& field) -> status {
      if (!v.is_boolean())
        return wrong_type(field, "true or false");
      target = v.get<bool>();
      return {};
    };
  };
  auto colour = [](captions::rgba& target) {
    return [&target](const json& v, const std::string& field) -> status {
      if (!v.is_string())
        return wrong_type(field, "a colour like \"#FFFFFF\"");
      auto parsed = captions::parse_color(v.get<std::string>(), field);
      if (!parsed)
        return parsed.error();
      target = *parsed;
      return {};
    };
  };
  double margin = 0;
  bool has_margin = false;
  double max_lines = style.max_lines;
  status read[] = {
      read_style_field(value, "font",
                       [&](const json& v, const std::string& field) -> status {
                         if (!v.is_string())
                           return wrong_type(field, "a font family name");
                         style.font = v.get<std::string>();
                         return {};
                       }),
      read_style_field(value, "bold", flag(style.bold)),
      read_style_field(value, "size", number(style.size)),
      read_style_field(value, "color", colour(style.color)),
      read_style_field(value, "highlight_color", colour(style.highlight_color)),
      read_style_field(value, "outline_color", colour(style.outline_color)),
      read_style_field(value, "outline", number(style.outline)),
      // box: true/false, or the box's colour itself.
      read_style_field(value, "box",
                       [&](const json& v, const std::string& field) -> status {
                         if (v.is_boolean()) {
                           style.box = v.get<bool>();
                           return {};
                         }
                         if (!v.is_string())
                           return wrong_type(field, "true, false or a colour like \"#000000A0\"");
                         style.box = true;
                         return colour(style.box_color)(v, field);
                       }),
      read_style_field(value, "box_color", colour(style.box_color)),
      read_style_field(value, "position",
                       [&](const json& v, const std::string& field) -> status {
                         if (!v.is_string())
                           return wrong_type(field, "bottom, center or top");
                         auto position = captions::parse_position(v.get<std::string>());
                         if (!position)
                           return position.error();
                         style.position = *position;
                         return {};
                       }),
      read_style_field(value, "margin",
                       [&](const json& v, const std::string& field) -> status {
                         has_margin = true;
                         return number(margin)(v, field);
                       }),
      read_style_field(value, "max_lines",
                       [&](const json& v, const std::string& field) -> status {
                         if (!v.is_number_integer())
                           return wrong_type(field, "an integer");
                         max_lines = v.get<double>();
                         return {};
                       }),
      read_style_field(value, "uppercase", flag(style.uppercase)),
  };
  for (auto& outcome : read)
    if (!outcome)
      return outcome.error();
  if (has_margin)
    style.margin = margin;
  // Out-of-range counts are named by validate, not wrapped into an int here.
  style.max_lines = max_lines >= 0 && max_lines <= 100 ? static_cast<int>(max_lines) : 0;
  if (auto valid = captions::validate(style); !valid)
    return valid.error();
  return style;
}

const std::vector<field_doc>& caption_fields() {
  static const std::vector<field_doc> fields = {
      {"captions",
       R"({"oneOf": [{"type": "string"}, {"type": "array", "items": {"$ref": "#/components/schemas/CaptionCue"}},)"
       R"( {"$ref": "#/components/schemas/CaptionWords"}, {"const": false}]})",
       "Captions burned into the video and written beside it as .srt (result.captions_path): a .srt, .vtt or "
       ".json file inside MEDIA_ROOTS, a list of cues, or word timings (the spoken word highlighted). false: "
       "none. One source only: not with captions_text."},
      {"captions_text", R"({"type": "string"})",
       "Plain narration text, split into cues and timed against the narration's pauses; needs audio_path."},
      {"caption_style", R"({"$ref": "#/components/schemas/CaptionStyle"})",
       "How the captions look; every field is optional."},
  };
  return fields;
}

nlohmann::json caption_schemas() {
  json style = closed_object_schema(caption_style_fields);
  style["description"] = "How captions look. Sizes are fractions of the frame, so one style suits every resolution.";
  json seconds = {{"type", "number"}, {"minimum", 0}};
  return {
      {"CaptionStyle", style},
      {"CaptionColor",
       {{"type", "string"},
        {"pattern", "^#[0-9A-Fa-f]{6}([0-9A-Fa-f]{2})?$"},
        {"description", "\"#RRGGBB\" or \"#RRGGBBAA\" (AA: opacity, FF opaque)."}}},
      {"CaptionCue",
       {{"type", "object"},
        {"required", {"start", "end", "text"}},
        {"properties", {{"start", seconds}, {"end", seconds}, {"text", {{"type", "string"}}}}},
        {"description", "One caption on screen from start to end (seconds; end after start, starts in order)."}}},
      {"CaptionWords",
       {{"type", "object"},
        {"required", {"words"}},
        {"properties",
         {{"words",
           {{"type", "array"},
            {"items",
             {{"type", "object"},
              {"required", {"start", "end"}},
              {"anyOf", {{{"required", {"word"}}}, {{"required", {"text"}}}}},
              {"properties",
               {{"word", {{"type", "string"}}}, {"text", {{"type", "string"}}}, {"start", seconds}, {"end", seconds}}},
              {"description", "One spoken word and when it is said (seconds)."}}}}}}},
        {"description", "Word timings: cues are built from them and the spoken word is highlighted."}}},
  };
}

status apply_caption_fields(const json& body, media::caption_request& request) {
  if (auto found = body.find("captions"); found != body.end() && !found->is_null())
    if (auto read = read_captions(*found, request); !read)
      return read;
  if (auto found = body.find("captions_text"); found != body.end() && !found->is_null()) {
    if (!found->is_string())
      return wrong_type("captions_text", "a string");
    request.text = found->get<std::string>();
  }
  if (auto found = body.find("caption_style"); found != body.end() && !found->is_null()) {
    auto style = parse_caption_style(*found, request.style);
    if (!style)
      return style.error();
    request.style = std::move(*style);
  }
  return {};
}

} // namespace vs::jobs
