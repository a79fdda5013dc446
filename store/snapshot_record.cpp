#include "store/snapshot_record.hpp"

#include "media/json_number.hpp"

#include <nlohmann/json.hpp>

namespace vs::store {

namespace {

using json = nlohmann::json;

std::string dump(const json& record) { return record.dump(-1, ' ', false, json::error_handler_t::replace); }

errc code_named(const std::string& name) {
  for (int code = 0; code <= static_cast<int>(errc::internal); ++code)
    if (name == to_string(static_cast<errc>(code)))
      return static_cast<errc>(code);
  return errc::internal;
}

} // namespace

std::string result_to_record(const jobs::job_result& result) {
  return dump({
    {"video_path", result.video_path},
    {"captions_path", result.captions_path},
    {"duration_seconds", result.duration_seconds},
    {"file_size", result.file_size},
    {"width", result.width},
    {"height", result.height},
    {"fps", result.fps},
    {"frames", result.frames},
    {"poster_path", result.poster_path},
  });
}

expected<jobs::job_result> result_from_record(const std::string& text) {
  try {
    json record = json::parse(text);
    jobs::job_result result;
    result.video_path = record.at("video_path").get<std::string>();
    result.captions_path = record.at("captions_path").get<std::string>();
    result.duration_seconds = record.at("duration_seconds").get<double>();
    result.file_size = media::json_integer<int64_t>(record.at("file_size"));
    result.width = media::json_integer<int>(record.at("width"));
    result.height = media::json_integer<int>(record.at("height"));
    result.fps = media::json_integer<int>(record.at("fps"));
    result.frames = media::json_integer<int64_t>(record.at("frames"));
    result.poster_path = record.at("poster_path").get<std::string>();
    return result;
  } catch (const std::exception& e) {
    return make_error(errc::input_invalid, std::string("the stored result is not valid: ") + e.what());
  }
}

std::string failure_to_record(const error& failure) {
  return dump({{"code", to_string(failure.code)}, {"message", failure.message}, {"field", failure.field}});
}

error failure_from_record(const std::string& text) {
  try {
    json record = json::parse(text);
    return make_error(code_named(record.at("code").get<std::string>()), record.at("message").get<std::string>(),
                      record.at("field").get<std::string>());
  } catch (const std::exception& e) {
    return make_error(errc::internal, std::string("the stored error is not valid: ") + e.what());
  }
}

} // namespace vs::store
