#include "redis/chunk_spec.hpp"

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>

namespace vs::redis {

std::string spec_to_json(const media::render_spec& spec) {
  nlohmann::json json{
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
  };
  // Paths are bytes: a name that is no UTF-8 must not throw here.
  return json.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

expected<media::render_spec> spec_from_json(const std::string& text) {
  try {
    auto json = nlohmann::json::parse(text);
    media::render_spec spec;
    spec.audio_path = json.at("audio_path").get<std::string>();
    spec.image_paths = json.at("image_paths").get<std::vector<std::string>>();
    spec.input_roots = json.at("input_roots").get<std::vector<std::string>>();
    spec.width = json.at("width").get<int>();
    spec.height = json.at("height").get<int>();
    spec.fps = json.at("fps").get<int>();
    spec.sync_to_audio = json.at("sync_to_audio").get<bool>();
    spec.slide_duration = json.at("slide_duration").get<double>();
    spec.transition_duration = json.at("transition_duration").get<double>();
    auto transition = media::parse_transition(json.at("transition").get<std::string>());
    if (!transition)
      return transition.error();
    spec.transition = *transition;
    spec.ken_burns = json.at("ken_burns").get<bool>();
    spec.zoom_factor = json.at("zoom_factor").get<double>();
    spec.seed = json.at("seed").get<uint64_t>();
    spec.preset = json.at("preset").get<std::string>();
    spec.crf = json.at("crf").get<int>();
    spec.lookahead = json.at("lookahead").get<int>();
    spec.audio_bitrate = json.at("audio_bitrate").get<int>();
    spec.encoder_threads = json.at("encoder_threads").get<int>();
    spec.render_threads = json.at("render_threads").get<int>();
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

} // namespace vs::redis
