#include "api/job_request.hpp"

#include "api/closest_name.hpp"
#include "api/caption_fields.hpp"
#include "api/json_text.hpp"
#include "api/picture_fields.hpp"
#include "webhooks/callback_url.hpp"

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

expected<int> read_int(const json& value, const std::string& field) {
  constexpr int64_t lowest = std::numeric_limits<int>::min();
  constexpr int64_t highest = std::numeric_limits<int>::max();
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

expected<double> read_number(const json& value, const std::string& field) {
  if (!value.is_number())
    return wrong_type(field, "a number");
  return value.get<double>();
}

expected<bool> read_bool(const json& value, const std::string& field) {
  if (!value.is_boolean())
    return wrong_type(field, "true or false");
  return value.get<bool>();
}

expected<std::string> read_string(const json& value, const std::string& field) {
  if (!value.is_string())
    return wrong_type(field, "a string");
  return value.get<std::string>();
}

/// Sets one spec member from a field, with the reader of its type.
template <auto member, auto reader>
status set_member(const json& value, const std::string& field, media::render_spec& spec) {
  auto parsed = reader(value, field);
  if (!parsed)
    return parsed.error();
  spec.*member = *parsed;
  return {};
}

status set_image_paths(const json& list, const std::string& field, media::render_spec& spec) {
  if (!list.is_array())
    return wrong_type(field, "a list of file paths");
  spec.image_paths.clear();
  for (const json& item : list) {
    if (!item.is_string())
      return wrong_type(field, "a list of file paths");
    spec.image_paths.push_back(item.get<std::string>());
  }
  return {};
}

status set_resolution(const json& value, const std::string&, media::render_spec& spec) {
  auto size = parse_resolution(value);
  if (!size)
    return size.error();
  spec.width = size->first;
  spec.height = size->second;
  return {};
}

status set_seed(const json& seed, const std::string& field, media::render_spec& spec) {
  if (!seed.is_number_integer() || (!seed.is_number_unsigned() && seed.get<int64_t>() < 0))
    return wrong_type(field, "a non-negative integer");
  spec.seed = seed.get<uint64_t>();
  return {};
}

status set_loudness(const json& loudness, const std::string& field, media::render_spec& spec) {
  if (loudness.is_null())
    spec.loudness.reset();
  else if (loudness.is_number())
    spec.loudness = loudness.get<double>();
  else
    return wrong_type(field, "a number (LUFS) or null");
  return {};
}

/// Checked for what the text alone decides (scheme, host, credentials,
/// length); whether its host may be called is decided at submit and delivery.
status set_callback_url(const json& value, const std::string& field, media::render_spec& spec) {
  if (!value.is_string())
    return wrong_type(field, "an http:// or https:// URL");
  auto url = webhooks::parse_callback_url(value.get<std::string>(), field);
  if (!url)
    return url.error();
  spec.callback_url = url->text;
  return {};
}

/// One field of a job body and how it lands on the spec.
struct job_field {
  const char* name;
  status (*apply)(const json& value, const std::string& field, media::render_spec& spec);
  /// Null means "the default" for every field but these: `loudness: null`
  /// leaves the audio levels alone.
  bool null_is_a_value = false;
};

using spec = media::render_spec;

/// Every field a job body may carry: THE list. A body naming any other
/// field is refused (check_known_fields); an OpenAPI document of the job
/// body should be generated from job_field_names(), not listed again. To
/// add a field, add its row here; rows apply in this order, so the first
/// bad field named is the first bad row.
const job_field job_fields[] = {
    {"audio_path", set_member<&spec::audio_path, read_string>},
    {"fps", set_member<&spec::fps, read_int>},
    {"slide_duration", set_member<&spec::slide_duration, read_number>},
    {"transition_duration", set_member<&spec::transition_duration, read_number>},
    {"enable_ken_burns", set_member<&spec::ken_burns, read_bool>},
    {"zoom_factor", set_member<&spec::zoom_factor, read_number>},
    {"sync_to_audio", set_member<&spec::sync_to_audio, read_bool>},
    {"preset", set_member<&spec::preset, read_string>},
    {"crf", set_member<&spec::crf, read_int>},
    {"lookahead", set_member<&spec::lookahead, read_int>},
    {"audio_bitrate", set_member<&spec::audio_bitrate, read_int>},
    {"music_path", set_member<&spec::music_path, read_string>},
    {"music_volume", set_member<&spec::music_volume, read_number>},
    {"music_fade", set_member<&spec::music_fade, read_number>},
    {"ducking", set_member<&spec::ducking, read_number>},
    {"loudness", set_loudness, true},
    {"image_paths", set_image_paths},
    {"resolution", set_resolution},
    {"seed", set_seed},
    {"callback_url", set_callback_url},
};

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
  for (const auto& field : job_fields) {
    auto found = body.find(field.name);
    if (found == body.end() || (found->is_null() && !field.null_is_a_value))
      continue;
    if (auto applied = field.apply(*found, field.name, spec); !applied)
      return applied.error();
  }
  // fit, background, motion, transition(s), slides, slide_starts, poster:
  // after image_paths, since slides and image_paths exclude each other.
  if (auto pictures = apply_picture_fields(body, spec); !pictures)
    return pictures.error();
  if (auto captions = apply_caption_fields(body, spec.captions); !captions)
    return captions.error();
  return spec;
}

std::vector<std::string> job_field_names() {
  std::vector<std::string> names;
  for (const auto& field : job_fields)
    names.emplace_back(field.name);
  for (const char* name : picture_field_names())
    names.emplace_back(name);
  for (const char* name : {"captions", "captions_text", "caption_style"})  // api/caption_fields
    names.emplace_back(name);
  return names;
}

status check_known_fields(const json& body) {
  if (!body.is_object())
    return make_error(errc::malformed_request, "the job must be a JSON object");
  const std::vector<std::string> known = job_field_names();
  for (const auto& [name, value] : body.items()) {
    if (std::find(known.begin(), known.end(), name) != known.end())
      continue;
    // A name of any length may come; the message quotes a bounded part.
    std::string shown = name.size() > 64 ? name.substr(0, 64) + "..." : name;
    return make_error(errc::invalid_argument,
                      "unknown field " + json_text(json(shown)) + "; did you mean " +
                          json_text(json(closest_name(name, known))) + "?",
                      shown);
  }
  return {};
}

std::vector<std::string> likely_misspellings(const json& body) {
  std::vector<std::string> hints;
  if (!body.is_object())
    return hints;
  const std::vector<std::string> known = job_field_names();
  for (const auto& [name, value] : body.items()) {
    if (std::find(known.begin(), known.end(), name) != known.end())
      continue;
    std::string closest = closest_name(name, known);
    // Short names of other services' fields lie close to ours by chance.
    size_t near = name.size() <= 5 ? 1 : 2;
    if (edit_distance(name, closest) <= near)
      hints.push_back(json_text(json(name)) + " (did you mean " + json_text(json(closest)) + "?)");
  }
  return hints;
}

} // namespace vs::api
