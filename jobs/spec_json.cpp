#include "jobs/spec_json.hpp"

#include "jobs/json_text.hpp"
#include "media/json_number.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <stdexcept>

namespace vs::jobs {

namespace {

using json = nlohmann::json;

template <typename T, typename Write>
json optional_json(const std::optional<T>& value, Write write) {
  return value ? write(*value) : json(nullptr);
}

template <typename T, typename Read>
std::optional<T> optional_from(const json& value, Read read) {
  if (value.is_null())
    return std::nullopt;
  return read(value);
}

/// Throws on a name the media parsers refuse: spec_from_json reports it.
template <typename T>
T parsed(const expected<T>& value) {
  if (!value)
    throw std::runtime_error(value.error().message);
  return *value;
}

json pictures_to_json(const media::picture_options& pictures) {
  json slides = json::array();
  for (const auto& slide : pictures.slides)
    slides.push_back({
      {"duration", optional_json(slide.duration, [](double d) { return json(d); })},
      {"fit", optional_json(slide.fit, [](media::fit_mode f) { return json(media::to_string(f)); })},
      {"motion", optional_json(slide.motion, [](media::motion_kind m) { return json(media::to_string(m)); })},
      {"focus", optional_json(slide.focus, [](media::picture_point p) { return json{p.x, p.y}; })},
    });
  json transitions = json::array();
  for (const auto& choice : pictures.transitions)
    transitions.push_back({{"random", choice.random}, {"kind", media::to_string(choice.kind)}});
  return {
    {"fit", media::to_string(pictures.fit)},
    {"background", media::to_string(pictures.background)},
    {"motion", media::to_string(pictures.motion)},
    {"slides", slides},
    {"slide_starts", pictures.slide_starts},
    {"random_transition", pictures.random_transition},
    {"transitions", transitions},
    {"poster", pictures.poster},
    {"poster_time", optional_json(pictures.poster_time, [](double t) { return json(t); })},
  };
}

media::picture_options pictures_from_json(const json& in) {
  media::picture_options pictures;
  pictures.fit = parsed(media::parse_fit(in.at("fit").get<std::string>()));
  pictures.background = parsed(media::parse_color(in.at("background").get<std::string>()));
  pictures.motion = parsed(media::parse_motion(in.at("motion").get<std::string>()));
  for (const auto& slide : in.at("slides")) {
    media::slide_options options;
    options.duration = optional_from<double>(slide.at("duration"), [](const json& d) { return d.get<double>(); });
    options.fit = optional_from<media::fit_mode>(
        slide.at("fit"), [](const json& f) { return parsed(media::parse_fit(f.get<std::string>())); });
    options.motion = optional_from<media::motion_kind>(
        slide.at("motion"), [](const json& m) { return parsed(media::parse_motion(m.get<std::string>())); });
    options.focus = optional_from<media::picture_point>(slide.at("focus"), [](const json& p) {
      return media::picture_point{p.at(0).get<double>(), p.at(1).get<double>()};
    });
    pictures.slides.push_back(options);
  }
  pictures.slide_starts = in.at("slide_starts").get<std::vector<double>>();
  pictures.random_transition = in.at("random_transition").get<bool>();
  for (const auto& choice : in.at("transitions"))
    pictures.transitions.push_back(
        {choice.at("random").get<bool>(), parsed(media::parse_transition(choice.at("kind").get<std::string>()))});
  pictures.poster = in.at("poster").get<bool>();
  pictures.poster_time = optional_from<double>(in.at("poster_time"), [](const json& t) { return t.get<double>(); });
  return pictures;
}

} // namespace

nlohmann::json spec_json_value(const media::render_spec& spec) {
  return {
    {"audio_path", spec.audio_path},
    {"image_paths", spec.image_paths},
    {"input_roots", spec.input_roots},
    {"width", spec.width},
    {"height", spec.height},
    {"fps", spec.fps},
    {"sync_to_audio", spec.sync_to_audio},
    {"slide_duration", spec.slide_duration},
    {"transition_duration", spec.transition_duration},
    {"transition", media::to_string(spec.transition)},
    {"ken_burns", spec.ken_burns},
    {"zoom_factor", spec.zoom_factor},
    {"seed", spec.seed},
    {"preset", spec.preset},
    {"crf", spec.crf},
    {"lookahead", spec.lookahead},
    {"audio_bitrate", spec.audio_bitrate},
    {"encoder_threads", spec.encoder_threads},
    {"render_threads", spec.render_threads},
    // Everything a frame depends on: fit, motion, per-slide timing, transitions.
    {"pictures", pictures_to_json(spec.pictures)},
  };
}

// Paths are bytes: json_text replaces what is no UTF-8 instead of throwing.
std::string spec_to_json(const media::render_spec& spec) { return json_text(spec_json_value(spec)); }

expected<media::render_spec> spec_from_json(const std::string& text) {
  nlohmann::json json;
  try {
    json = nlohmann::json::parse(text);
  } catch (const std::exception& e) {
    return make_error(errc::input_invalid, std::string("the chunk plan's spec is not valid: ") + e.what());
  }
  return spec_from_json(json);
}

expected<media::render_spec> spec_from_json(const nlohmann::json& json) {
  try {
    media::render_spec spec;
    spec.audio_path = json.at("audio_path").get<std::string>();
    spec.image_paths = json.at("image_paths").get<std::vector<std::string>>();
    spec.input_roots = json.at("input_roots").get<std::vector<std::string>>();
    spec.width = media::json_integer<int>(json.at("width"));
    spec.height = media::json_integer<int>(json.at("height"));
    spec.fps = media::json_integer<int>(json.at("fps"));
    spec.sync_to_audio = json.at("sync_to_audio").get<bool>();
    spec.slide_duration = json.at("slide_duration").get<double>();
    spec.transition_duration = json.at("transition_duration").get<double>();
    auto transition = media::parse_transition(json.at("transition").get<std::string>());
    if (!transition)
      return transition.error();
    spec.transition = *transition;
    spec.ken_burns = json.at("ken_burns").get<bool>();
    spec.zoom_factor = json.at("zoom_factor").get<double>();
    spec.seed = media::json_integer<uint64_t>(json.at("seed"));
    spec.preset = json.at("preset").get<std::string>();
    spec.crf = media::json_integer<int>(json.at("crf"));
    spec.lookahead = media::json_integer<int>(json.at("lookahead"));
    spec.audio_bitrate = media::json_integer<int>(json.at("audio_bitrate"));
    spec.encoder_threads = media::json_integer<int>(json.at("encoder_threads"));
    spec.render_threads = media::json_integer<int>(json.at("render_threads"));
    spec.pictures = pictures_from_json(json.at("pictures"));
    return spec;
  } catch (const std::exception& e) {
    return make_error(errc::input_invalid, std::string("the chunk plan's spec is not valid: ") + e.what());
  }
}

std::string seconds_to_text(std::optional<double> seconds) {
  if (!seconds)
    return {};
  char text[40];
  std::snprintf(text, sizeof text, "%.17g", *seconds);
  return text;
}

expected<std::optional<double>> seconds_from_text(const std::string& text) {
  if (text.empty())
    return std::optional<double>();
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || *end != '\0' || !(value > 0))
    return make_error(errc::input_invalid, "the chunk plan's audio length '" + text + "' is not a number of seconds");
  return std::optional<double>(value);
}

} // namespace vs::jobs
