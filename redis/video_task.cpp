#include "redis/video_task.hpp"

namespace vs::redis {

namespace {

error malformed(const std::string& id, const std::string& field, const std::string& why) {
  return make_error(errc::malformed_request, "task " + id + ": " + field + " " + why, field);
}

} // namespace

bool is_video_task_name(const std::string& name) {
  return name == "CreateVideo" || name == "GenerateVideo" || name == "CreateVideoFromSlides";
}

expected<video_task> parse_video_task(const std::string& id, const field_map& fields) {
  video_task task;
  task.id = id;
  task.name = field_of(fields, "name");
  if (!is_video_task_name(task.name))
    return make_error(errc::invalid_argument,
                      "task " + id + ": unknown task name '" + task.name +
                        "' (expected CreateVideo, GenerateVideo or CreateVideoFromSlides)",
                      "name");
  // params, slide_ids and consumers "may be empty or absent" (PROTOCOL.md).
  if (auto text = field_of(fields, "params"); !text.empty()) {
    auto params = nlohmann::json::parse(text, nullptr, false);
    if (params.is_discarded() || !params.is_object())
      return malformed(id, "params", "is not a JSON object: " + text.substr(0, 200));
    task.params = std::move(params);
  }
  if (auto text = field_of(fields, "slide_ids"); !text.empty()) {
    auto ids = nlohmann::json::parse(text, nullptr, false);
    if (ids.is_discarded() || !ids.is_array())
      return malformed(id, "slide_ids", "is not a JSON list: " + text.substr(0, 200));
    for (const auto& slide : ids) {
      if (!slide.is_string() || slide.get<std::string>().empty())
        return malformed(id, "slide_ids", "must hold task ids as strings: " + text.substr(0, 200));
      task.slide_ids.push_back(slide.get<std::string>());
    }
  }
  task.voice_track_id = field_of(fields, "voice_track_id");
  return task;
}

} // namespace vs::redis
