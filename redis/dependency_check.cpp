#include "redis/dependency_check.hpp"

#include <filesystem>

namespace vs::redis {

namespace {

namespace fs = std::filesystem;

dependency_verdict failed(errc code, std::string message) {
  dependency_verdict verdict;
  verdict.outcome = dependency_verdict::kind::failed;
  verdict.failure = make_error(code, std::move(message));
  return verdict;
}

/// An absolute ref as it is; a relative one (some producers store only the
/// file name) against output_dir, then output_dir/subfolder.
std::optional<std::string> locate(const std::string& ref, const std::string& output_dir, const char* subfolder) {
  std::error_code ec;
  fs::path path(ref);
  if (path.is_absolute())
    return fs::is_regular_file(path, ec) ? std::optional<std::string>(ref) : std::nullopt;
  for (const auto& candidate : {fs::path(output_dir) / path, fs::path(output_dir) / subfolder / path})
    if (fs::is_regular_file(candidate, ec))
      return candidate.string();
  return std::nullopt;
}

dependency_verdict from_params(const video_task& task) {
  dependency_verdict verdict;
  const auto& params = task.params;
  if (auto audio = params.find("audio_path"); audio != params.end() && audio->is_string())
    verdict.inputs.audio_path = audio->get<std::string>();
  if (auto images = params.find("image_paths"); images != params.end() && images->is_array())
    for (const auto& image : *images)
      if (image.is_string())
        verdict.inputs.image_paths.push_back(image.get<std::string>());
  if (verdict.inputs.image_paths.empty())
    return failed(errc::invalid_argument, "task " + task.id +
                                            " has no slide_ids and params has no image_paths: nothing to show");
  return verdict;
}

} // namespace

std::vector<std::string> dependency_ids(const video_task& task) {
  std::vector<std::string> ids;
  if (!task.voice_track_id.empty())
    ids.push_back(task.voice_track_id);
  ids.insert(ids.end(), task.slide_ids.begin(), task.slide_ids.end());
  return ids;
}

dependency_verdict check_dependencies(const video_task& task,
                                      const std::map<std::string, std::optional<field_map>>& hashes,
                                      const std::string& output_dir) {
  if (task.slide_ids.empty() && task.voice_track_id.empty())
    return from_params(task);

  dependency_verdict verdict;
  auto resolve = [&](const std::string& id, const std::string& role,
                     const char* subfolder) -> std::optional<dependency_verdict> {
    auto found = hashes.find(id);
    if (found == hashes.end() || !found->second)
      return failed(errc::dependency_failed, "dependency " + role + " " + id + " does not exist (no task:" + id + ")");
    const auto& fields = *found->second;
    std::string status = field_of(fields, "status");
    if (status == "failed") {
      std::string why = field_of(fields, "error");
      return failed(errc::dependency_failed,
                    "dependency " + role + " " + id + " failed" + (why.empty() ? "" : ": " + why));
    }
    if (status != "success") {
      dependency_verdict waiting;
      waiting.outcome = dependency_verdict::kind::waiting;
      waiting.waiting_on = role + " " + id + " (" + (status.empty() ? "no status" : status) + ")";
      return waiting;
    }
    std::string ref = field_of(fields, "result_ref");
    if (ref.empty())
      return failed(errc::dependency_failed, "dependency " + role + " " + id + " succeeded without a result_ref");
    auto path = locate(ref, output_dir, subfolder);
    if (!path)
      return failed(errc::dependency_failed,
                    "dependency " + role + " " + id + ": its result " + ref + " does not exist");
    if (role == "voice track")
      verdict.inputs.audio_path = *path;
    else
      verdict.inputs.image_paths.push_back(*path);
    return std::nullopt;
  };

  // A failure anywhere wins over waiting: no point waiting for the rest.
  std::optional<dependency_verdict> first_wait;
  auto visit = [&](const std::string& id, const std::string& role, const char* subfolder) -> bool {
    auto outcome = resolve(id, role, subfolder);
    if (!outcome)
      return true;
    if (outcome->outcome == dependency_verdict::kind::failed) {
      verdict = std::move(*outcome);
      return false;
    }
    if (!first_wait)
      first_wait = std::move(*outcome);
    return true;
  };
  if (!task.voice_track_id.empty() && !visit(task.voice_track_id, "voice track", "voice"))
    return verdict;
  for (const auto& slide : task.slide_ids)
    if (!visit(slide, "slide", "images"))
      return verdict;
  if (first_wait)
    return *first_wait;
  if (task.voice_track_id.empty())
    if (auto audio = task.params.find("audio_path"); audio != task.params.end() && audio->is_string())
      verdict.inputs.audio_path = audio->get<std::string>();
  if (task.slide_ids.empty()) {
    // A voice track but no slide tasks: the images come from params.
    auto fallback = from_params(task);
    if (fallback.outcome == dependency_verdict::kind::failed)
      return fallback;
    verdict.inputs.image_paths = std::move(fallback.inputs.image_paths);
  }
  return verdict;
}

} // namespace vs::redis
