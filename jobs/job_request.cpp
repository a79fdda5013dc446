#include "jobs/job_request.hpp"

#include "jobs/closest_name.hpp"
#include "jobs/caption_fields.hpp"
#include "jobs/json_text.hpp"
#include "jobs/picture_fields.hpp"
#include "webhooks/callback_url.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <limits>

namespace vs::jobs {

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

/// One field of a job body: how it lands on the spec, and how /openapi.json
/// documents it (api/field_doc.hpp).
struct job_field {
  const char* name;
  status (*apply)(const json& value, const std::string& field, media::render_spec& spec);
  const char* schema = nullptr;       ///< JSON Schema of the value, as JSON text
  const char* description = nullptr;  ///< for API users
  /// Null means "the default" for every field but these: `loudness: null`
  /// leaves the audio levels alone.
  bool null_is_a_value = false;
  /// The documented "default"; nullptr: none, or written in `schema`.
  json (*default_value)() = nullptr;
};

using spec = media::render_spec;

template <auto member>
json spec_default() {
  return media::render_spec{}.*member;
}

/// A row that sets `member` with `reader`; its documented default is the
/// member's value in render_spec{}, so the two cannot drift apart.
template <auto member, auto reader>
job_field member_field(const char* name, const char* schema, const char* description) {
  return {name, set_member<member, reader>, schema, description, false, spec_default<member>};
}

/// Every field a job body may carry: THE list, with the picture fields
/// (jobs/picture_fields) and the caption fields (jobs/caption_fields). A body
/// naming any other field is refused (check_known_fields), and the job
/// schema of /openapi.json is generated from these rows (job_request_schemas).
/// To add a field, add its row here with its schema and description; rows
/// apply in this order, so the first bad field named is the first bad row.
const job_field job_fields[] = {
    {"audio_path", set_member<&spec::audio_path, read_string>, R"({"type": "string"})",
     "The narration: an absolute path inside MEDIA_ROOTS. The video lasts as "
     "long as it. Required unless sync_to_audio is false (a silent video)."},
    member_field<&spec::fps, read_int>("fps", R"({"type": "integer", "minimum": 1, "maximum": 120})",
                                       "Frames per second of the video."),
    member_field<&spec::slide_duration, read_number>(
        "slide_duration", R"({"type": "number", "minimum": 0.1, "maximum": 3600})",
        "Seconds each slide is on screen when sync_to_audio is false and the slide sets no duration of its own."),
    member_field<&spec::transition_duration, read_number>(
        "transition_duration", R"({"type": "number", "minimum": 0, "maximum": 3600})",
        "Seconds two consecutive slides overlap during a transition."),
    member_field<&spec::ken_burns, read_bool>("enable_ken_burns", R"({"type": "boolean"})",
                                              "Move the camera over each slide (see motion); false: still pictures."),
    member_field<&spec::zoom_factor, read_number>("zoom_factor", R"({"type": "number", "minimum": 1, "maximum": 4})",
                                                  "How far the Ken Burns camera zooms: 1.1 is 10 %."),
    member_field<&spec::sync_to_audio, read_bool>(
        "sync_to_audio", R"({"type": "boolean"})",
        "The video follows the narration: slides share its length. false: slides last slide_duration (or their "
        "own duration) and audio_path may be left out."),
    member_field<&spec::preset, read_string>(
        "preset",
        R"({"type": "string", "enum": ["ultrafast", "superfast", "veryfast", "faster", "fast", "medium", "slow",)"
        R"( "slower", "veryslow", "placebo"]})",
        "x264 preset: faster ones render sooner into a larger file."),
    member_field<&spec::crf, read_int>("crf", R"({"type": "integer", "minimum": 0, "maximum": 51})",
                                       "x264 constant rate factor: lower is better quality and a larger file."),
    member_field<&spec::lookahead, read_int>("lookahead", R"({"type": "integer", "minimum": 0, "maximum": 60})",
                                             "x264 rate-control lookahead in frames (each one costs memory)."),
    member_field<&spec::audio_bitrate, read_int>("audio_bitrate",
                                                 R"({"type": "integer", "minimum": 32000, "maximum": 512000})",
                                                 "AAC bits per second."),
    {"music_path", set_member<&spec::music_path, read_string>, R"({"type": "string"})",
     "A music bed under the narration (any format FFmpeg reads), confined like audio_path; needs audio_path."},
    member_field<&spec::music_volume, read_number>("music_volume",
                                                   R"({"type": "number", "minimum": -60, "maximum": 6})",
                                                   "dB: the music bed's loudness relative to the voice's."),
    member_field<&spec::music_fade, read_number>("music_fade", R"({"type": "number", "minimum": 0, "maximum": 30})",
                                                 "Seconds of fade-in and fade-out of the music bed."),
    member_field<&spec::ducking, read_number>("ducking", R"({"type": "number", "minimum": 0, "maximum": 40})",
                                              "dB the music bed drops while the voice speaks; 0: no ducking."),
    {"loudness", set_loudness,
     R"({"type": ["number", "null"], "minimum": -40, "maximum": -5, "default": -14})",
     "Integrated loudness of the final mix in LUFS (true peak at most -1 dBTP); null leaves the levels as they "
     "are.",
     true},
    {"image_paths", set_image_paths,
     R"({"type": "array", "items": {"type": "string"}, "minItems": 1, "maxItems": 1000})",
     "The slides in order: absolute paths inside MEDIA_ROOTS. Give image_paths "
     "or slides, not both."},
    {"resolution", set_resolution,
     R"({"oneOf": [{"type": "string", "pattern": "^[0-9]{1,5}[xX][0-9]{1,5}$", "examples": ["1080x1920"]},)"
     R"( {"type": "array", "prefixItems": [{"type": "integer", "minimum": 16, "maximum": 7680, "multipleOf": 2},)"
     R"( {"type": "integer", "minimum": 16, "maximum": 4320, "multipleOf": 2}], "items": false, "minItems": 2}],)"
     R"( "default": [1920, 1080]})",
     "Width and height in pixels, both even, from 16x16 to 7680x4320: [1920, 1080] or \"1920x1080\"."},
    {"seed", set_seed, R"({"type": "integer", "minimum": 0, "default": 0})",
     "Picks the camera paths and random transitions: the same seed gives the same video."},
    {"callback_url", set_callback_url,
     R"({"type": "string", "maxLength": 2048, "pattern": "^[Hh][Tt][Tt][Pp][Ss]?://"})",
     "Where the service POSTs the job's final snapshot, signed and retried (docs/webhooks.md): http or https, no "
     "user credentials, no fragment; an address literal must be public unless WEBHOOK_ALLOWED_HOSTS names it. "
     "Default: WEBHOOK_URL."},
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
  for (const auto& field : picture_fields())
    names.emplace_back(field.name);
  for (const auto& field : caption_fields())
    names.emplace_back(field.name);
  return names;
}

json job_request_schemas() {
  std::vector<field_doc> fields;
  for (const auto& field : job_fields)
    fields.push_back({field.name, field.schema, field.description});
  for (const auto& table : {picture_fields(), caption_fields()})
    fields.insert(fields.end(), table.begin(), table.end());
  json job = closed_object_schema(fields);
  for (const auto& field : job_fields)
    if (field.default_value)
      job["properties"][field.name]["default"] = field.default_value();
  job["description"] =
      "A video job. Every field is optional but the pictures; a field left out (or null, but for loudness) keeps "
      "its default, and a field not listed here is refused with 422 naming the closest real one.";
  // What media::validate and apply_picture_fields require across fields.
  job["allOf"] = json::array({
      {{"description", "The pictures: image_paths or slides, not both."},
       {"oneOf", {{{"required", {"image_paths"}}}, {{"required", {"slides"}}}}}},
      {{"description", "A narration unless sync_to_audio is false."},
       {"if", {{"not", {{"required", {"sync_to_audio"}}, {"properties", {{"sync_to_audio", {{"const", false}}}}}}}}},
       {"then", {{"required", {"audio_path"}}}}},
  });
  json schemas = {{"Job", job}};
  schemas.update(picture_schemas());
  schemas.update(caption_schemas());
  return schemas;
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

} // namespace vs::jobs
