#pragma once
/// A video task as read from its `task:{id}` hash (PROTOCOL.md), checked:
/// ours by name, JSON fields parsed. Unknown fields are ignored.

#include "media/error.hpp"
#include "redis/field_map.hpp"

#include <nlohmann/json.hpp>

#include <string>
#include <vector>

namespace vs::redis {

struct video_task {
  std::string id;
  std::string name;
  std::vector<std::string> slide_ids;   ///< image tasks, in slide order
  std::string voice_track_id;           ///< empty: none
  nlohmann::json params = nlohmann::json::object();
};

/// True for the three names PROTOCOL.md gives our job.
bool is_video_task_name(const std::string& name);

/// errc::invalid_argument for a name that is not ours, errc::malformed_request
/// for `params`/`slide_ids` that are not the JSON PROTOCOL.md describes; the
/// message names the field.
expected<video_task> parse_video_task(const std::string& id, const field_map& fields);

} // namespace vs::redis
