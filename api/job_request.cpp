#include "api/job_request.hpp"

#include "api/caption_fields.hpp"
#include "api/json_text.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vs::api {

using nlohmann::json;

namespace {

error wrong_type(const std::string& field, const char* expected_type) {
  return make_error(errc::invalid_argument, field + " must be " + expected_type, field);
}

/// A number outside int, named as the client wrote it (nlohmann keeps the
/// value exactly: 18446744073709551615 must not come back as -1).
error out_of_int_range(const std::string& field, const json& value, bool negative) {
  return make_error(errc::invalid_argument, field + " " + json_text(value) + (negative ? " is too small" : " is too large"),
                    field);
}

expected<int> read_int(const json& body, const std::string& field) {
  constexpr int64_t lowest = std::numeric_limits<int>::min();
  constexpr int64_t highest = std::numeric_limits<int>::max();
  const json& value = body.at(field);
  if (value.is_number_unsigned()) {
    if (value.get<uint64_t>() > static_cast<uint64_t>(highest))
      return out_of_int_range(field, value, false);
    return static_cast<int>(value.get<uint64_t>());
  }
  if (value.is_number_integer()) {
    int64_t number = value.get<int64_t>();
    if (number < lowest || number > highest)
      return out_of_int_range(field, value, number < 0);
    return static_cast<int>(number);
  }
  // 30.0 is an integer in JSON-speak for most producers.
  if (value.is_number_float() && std::isfinite(value.get<double>()) &&
      value.get<double>() == std::floor(value.get<double>())) {
    double number = value.get<double>();
    if (number < static_cast<double>(lowest) || number > static_cast<double>(highest))
      return out_of_int_range(field, value, number < 0);
    return static_cast<int>(number);
  }
  return wrong_type(field, "an integer");
}

expected<double> read_number(const json& body, const std::string& field) {
  const json& value = body.at(field);
  if (!value.is_number())
    return wrong_type(field, "a number");
  return value.get<double>();
}

expected<bool> read_bool(const json& body, const std::string& field) {
  const json& value = body.at(field);
  if (!value.is_boolean())
    return wrong_type(field, "true or false");
  return value.get<bool>();
}

expected<std::string> read_string(const json& body, const std::string& field) {
  const json& value = body.at(field);
  if (!value.is_string())
    return wrong_type(field, "a string");
  return value.get<std::string>();
}

} // namespace

expected<json> parse_json_object(const std::string& text) {
  json body = json::parse(text, nullptr, false);
  if (body.is_discarded())
    return make_error(errc::malformed_request, "the request body is not valid JSON");
  if (!body.is_object())
    return make_error(errc::malformed_request, "the request body must be a JSON object");
  return body;
}

expected<std::pair<int, int>> parse_resolution(const json& value) {
  auto invalid = [] {
    return make_error(errc::invalid_argument, "resolution must be [width, height] or \"WIDTHxHEIGHT\"",
                      "resolution");
  };
  if (value.is_array()) {
    if (value.size() != 2 || !value[0].is_number_integer() || !value[1].is_number_integer())
      return invalid();
    // Unsigned values above 2^63 would wrap in get<int64_t>(); anything
    // past the bound is simply too large.
    auto dimension = [](const json& number) -> int64_t {
      if (number.is_number_unsigned())
        return static_cast<int64_t>(std::min<uint64_t>(number.get<uint64_t>(), 100001));
      return number.get<int64_t>();
    };
    auto width = dimension(value[0]);
    auto height = dimension(value[1]);
    if (width <= 0 || height <= 0 || width > 100000 || height > 100000)
      return make_error(errc::invalid_argument,
                        "resolution " + json_text(value[0]) + "x" + json_text(value[1]) + " is outside 16x16 .. 7680x4320",
                        "resolution");
    return std::pair<int, int>{static_cast<int>(width), static_cast<int>(height)};
  }
  if (value.is_string()) {
    const auto& text = value.get_ref<const std::string&>();
    auto x = text.find_first_of("xX");
    if (x == std::string::npos || x == 0 || x + 1 >= text.size() || text.size() > 11)
      return invalid();
    std::string width = text.substr(0, x);
    std::string height = text.substr(x + 1);
    auto digits = [](const std::string& s) { return s.find_first_not_of("0123456789") == std::string::npos; };
    if (!digits(width) || !digits(height))
      return invalid();
    return parse_resolution(json::array({std::stoll(width), std::stoll(height)}));
  }
  return invalid();
}

expected<media::render_spec> apply_job_fields(const json& body, media::render_spec spec) {
  if (!body.is_object())
    return make_error(errc::malformed_request, "the job must be a JSON object");

#define VS_READ(field, reader, target)                                                                         \
  if (body.contains(field) && !body.at(field).is_null()) {                                                     \
    auto parsed = reader(body, field);                                                                         \
    if (!parsed)                                                                                               \
      return parsed.error();                                                                                   \
    target = *parsed;                                                                                          \
  }
  VS_READ("audio_path", read_string, spec.audio_path)
  VS_READ("fps", read_int, spec.fps)
  VS_READ("slide_duration", read_number, spec.slide_duration)
  VS_READ("transition_duration", read_number, spec.transition_duration)
  VS_READ("enable_ken_burns", read_bool, spec.ken_burns)
  VS_READ("zoom_factor", read_number, spec.zoom_factor)
  VS_READ("sync_to_audio", read_bool, spec.sync_to_audio)
  VS_READ("preset", read_string, spec.preset)
  VS_READ("crf", read_int, spec.crf)
  VS_READ("lookahead", read_int, spec.lookahead)
  VS_READ("audio_bitrate", read_int, spec.audio_bitrate)
#undef VS_READ

  if (body.contains("image_paths") && !body.at("image_paths").is_null()) {
    const json& list = body.at("image_paths");
    if (!list.is_array())
      return wrong_type("image_paths", "a list of file paths");
    spec.image_paths.clear();
    for (const json& item : list) {
      if (!item.is_string())
        return wrong_type("image_paths", "a list of file paths");
      spec.image_paths.push_back(item.get<std::string>());
    }
  }
  if (body.contains("resolution") && !body.at("resolution").is_null()) {
    auto size = parse_resolution(body.at("resolution"));
    if (!size)
      return size.error();
    spec.width = size->first;
    spec.height = size->second;
  }
  if (body.contains("transition") && !body.at("transition").is_null()) {
    auto name = read_string(body, "transition");
    if (!name)
      return name.error();
    auto kind = media::parse_transition(*name);
    if (!kind)
      return kind.error();
    spec.transition = *kind;
  }
  if (body.contains("seed") && !body.at("seed").is_null()) {
    const json& seed = body.at("seed");
    if (!seed.is_number_integer() || (seed.is_number_integer() && !seed.is_number_unsigned() &&
                                      seed.get<int64_t>() < 0))
      return wrong_type("seed", "a non-negative integer");
    spec.seed = seed.get<uint64_t>();
  }
  if (auto captions = apply_caption_fields(body, spec.captions); !captions)
    return captions.error();
  return spec;
}

} // namespace vs::api
