#include "api/caption_fields.hpp"

#include "media/captions/caption_file.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

using nlohmann::json;
namespace captions = media::captions;

namespace {

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

} // namespace vs::api
