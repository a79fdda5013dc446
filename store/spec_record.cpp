#include "store/spec_record.hpp"

#include "jobs/json_text.hpp"
#include "jobs/spec_json.hpp"
#include "media/json_number.hpp"

#include <nlohmann/json.hpp>

#include <stdexcept>

namespace vs::store {

namespace {

using json = nlohmann::json;
namespace captions = media::captions;

/// Throws on a value the media parsers refuse: spec_from_record reports it.
template <typename T>
T parsed(expected<T> value) {
  if (!value)
    throw std::runtime_error(value.error().message);
  return std::move(*value);
}

template <typename Timed>
json timed_to_json(const std::vector<Timed>& entries) {
  json out = json::array();
  for (const auto& entry : entries)
    out.push_back({{"start", entry.start}, {"end", entry.end}, {"text", entry.text}});
  return out;
}

template <typename Timed>
std::vector<Timed> timed_from_json(const json& in) {
  std::vector<Timed> entries;
  for (const auto& entry : in)
    entries.push_back({entry.at("start").get<double>(), entry.at("end").get<double>(), entry.at("text").get<std::string>()});
  return entries;
}

json style_to_json(const captions::caption_style& style) {
  return {
    {"font", style.font},
    {"bold", style.bold},
    {"size", style.size},
    {"color", captions::to_string(style.color)},
    {"highlight_color", captions::to_string(style.highlight_color)},
    {"outline_color", captions::to_string(style.outline_color)},
    {"outline", style.outline},
    {"box", style.box},
    {"box_color", captions::to_string(style.box_color)},
    {"position", captions::to_string(style.position)},
    {"margin", style.margin ? json(*style.margin) : json(nullptr)},
    {"max_lines", style.max_lines},
    {"uppercase", style.uppercase},
  };
}

captions::caption_style style_from_json(const json& in) {
  auto colour = [&](const char* key) { return parsed(captions::parse_color(in.at(key).get<std::string>(), key)); };
  captions::caption_style style;
  style.font = in.at("font").get<std::string>();
  style.bold = in.at("bold").get<bool>();
  style.size = in.at("size").get<double>();
  style.color = colour("color");
  style.highlight_color = colour("highlight_color");
  style.outline_color = colour("outline_color");
  style.outline = in.at("outline").get<double>();
  style.box = in.at("box").get<bool>();
  style.box_color = colour("box_color");
  style.position = parsed(captions::parse_position(in.at("position").get<std::string>()));
  if (!in.at("margin").is_null())
    style.margin = in.at("margin").get<double>();
  style.max_lines = media::json_integer<int>(in.at("max_lines"));
  style.uppercase = in.at("uppercase").get<bool>();
  return style;
}

} // namespace

std::string spec_to_record(const media::render_spec& spec) {
  json record = jobs::spec_json_value(spec);
  record["output_path"] = spec.output_path;
  record["music_path"] = spec.music_path;
  record["music_volume"] = spec.music_volume;
  record["music_fade"] = spec.music_fade;
  record["ducking"] = spec.ducking;
  record["loudness"] = spec.loudness ? json(*spec.loudness) : json(nullptr);
  const media::caption_request& request = spec.captions;
  record["captions"] = {
    {"path", request.path},
    {"cues", timed_to_json(request.cues)},
    {"words", timed_to_json(request.words)},
    {"text", request.text},
    {"style", style_to_json(request.style)},
  };
  // Paths and captions are bytes: text that is no UTF-8 must not throw here.
  return jobs::json_text(record);
}

expected<media::render_spec> spec_from_record(const std::string& text) {
  auto spec = jobs::spec_from_json(text);
  if (!spec) {
    // The chunk codec's message names the chunk plan: keep only its reason.
    const std::string& message = spec.error().message;
    const std::string reason = message.substr(message.find("valid: ") == std::string::npos ? 0 : message.find("valid: ") + 7);
    return make_error(errc::input_invalid, "the stored render spec is not valid: " + reason);
  }
  try {
    json record = json::parse(text);
    spec->output_path = record.at("output_path").get<std::string>();
    spec->music_path = record.at("music_path").get<std::string>();
    spec->music_volume = record.at("music_volume").get<double>();
    spec->music_fade = record.at("music_fade").get<double>();
    spec->ducking = record.at("ducking").get<double>();
    spec->loudness = record.at("loudness").is_null() ? std::nullopt : std::optional<double>(record.at("loudness").get<double>());
    const json& request = record.at("captions");
    spec->captions.path = request.at("path").get<std::string>();
    spec->captions.cues = timed_from_json<captions::caption_cue>(request.at("cues"));
    spec->captions.words = timed_from_json<captions::caption_word>(request.at("words"));
    spec->captions.text = request.at("text").get<std::string>();
    spec->captions.style = style_from_json(request.at("style"));
    return spec;
  } catch (const std::exception& e) {
    return make_error(errc::input_invalid, std::string("the stored render spec is not valid: ") + e.what());
  }
}

} // namespace vs::store
