#include "redis/dependency_check.hpp"

#include "media/confined_file.hpp"

#include <cerrno>
#include <cstring>
#include <unistd.h>

namespace vs::redis {

namespace {

dependency_verdict failed(errc code, std::string message) {
  dependency_verdict verdict;
  verdict.outcome = dependency_verdict::kind::failed;
  verdict.failure = make_error(code, std::move(message));
  return verdict;
}

dependency_verdict failed(const error& failure) { return failed(failure.code, failure.message); }

/// params.audio_path, if given and a string, located inside the roots.
expected<std::string> audio_from_params(const video_task& task, const input_roots& roots) {
  auto audio = task.params.find("audio_path");
  if (audio == task.params.end() || !audio->is_string() || audio->get<std::string>().empty())
    return std::string();
  return roots.locate(audio->get<std::string>(), "voice", "task " + task.id + ": params.audio_path");
}

dependency_verdict from_params(const video_task& task, const input_roots& roots) {
  dependency_verdict verdict;
  auto audio = audio_from_params(task, roots);
  if (!audio)
    return failed(audio.error());
  verdict.inputs.audio_path = *audio;
  // image_paths, or the paths of `slides` objects (bare strings count too).
  const char* list_name = task.params.contains("slides") ? "slides" : "image_paths";
  if (auto images = task.params.find(list_name); images != task.params.end() && images->is_array()) {
    for (size_t i = 0; i < images->size(); ++i) {
      const auto& entry = (*images)[i];
      const std::string name = "params." + std::string(list_name) + "[" + std::to_string(i) + "]";
      // Without slide tasks every slide object names its picture.
      if (entry.is_object() && !entry.contains("path"))
        return failed(errc::invalid_argument, "task " + task.id + ": " + name + " has no path");
      const auto& image = entry.is_object() ? entry.at("path") : entry;
      if (!image.is_string())
        continue;
      auto path = roots.locate(image.get<std::string>(), "images", "task " + task.id + ": " + name);
      if (!path)
        return failed(path.error());
      verdict.inputs.image_paths.push_back(*path);
    }
  }
  if (verdict.inputs.image_paths.empty())
    return failed(errc::invalid_argument, "task " + task.id +
                                            " has no slide_ids and params has no image_paths: nothing to show");
  return verdict;
}

/// A result_ref that means a file rather than text: absolute, or a .txt name, on one line.
bool looks_like_path(const std::string& ref) {
  if (ref.empty() || ref.find('\n') != std::string::npos || ref.size() > 4096)
    return false;
  auto ends_with_txt = ref.size() > 4 && (ref.compare(ref.size() - 4, 4, ".txt") == 0 ||
                                          ref.compare(ref.size() - 4, 4, ".TXT") == 0);
  return ref[0] == '/' || ends_with_txt;
}

expected<std::string> read_text_file(const std::string& path, const input_roots& roots, int64_t max_bytes,
                                     const std::string& what) {
  auto file = media::confined_file::open(path, media::root_folders(roots.folders()), what, max_bytes);
  if (!file)
    return file.error();
  std::string text(static_cast<size_t>(file->size()), '\0');
  size_t filled = 0;
  while (filled < text.size()) {
    ssize_t got = ::read(file->descriptor(), text.data() + filled, text.size() - filled);
    if (got < 0 && errno == EINTR)
      continue;
    if (got < 0)
      return make_error(errc::dependency_failed, "cannot read " + what + " " + path + ": " + std::strerror(errno));
    if (got == 0)
      break;
    filled += static_cast<size_t>(got);
  }
  text.resize(filled);
  return text;
}

} // namespace

bool wants_narration_captions(const video_task& task) {
  auto captions = task.params.find("captions");
  return captions != task.params.end() && captions->is_boolean() && captions->get<bool>();
}

expected<narration_text_source> narration_text_source_of(const std::string& voice_id, const field_map& voice) {
  narration_text_source source;
  source.text_task_id = field_of(voice, "text_task_id");
  auto params = nlohmann::json::parse(field_of(voice, "params"), nullptr, false);
  if (!params.is_object())
    params = nlohmann::json::object();
  if (source.text_task_id.empty())
    if (auto id = params.find("text_task_id"); id != params.end() && id->is_string())
      source.text_task_id = id->get<std::string>();
  if (source.text_task_id.empty())
    if (auto text = params.find("text"); text != params.end() && text->is_string())
      source.text = text->get<std::string>();
  if (source.text_task_id.empty() && source.text.empty())
    return make_error(errc::dependency_failed, "params.captions is true, but voice track " + voice_id +
                                                   " names no text_task_id and has no params.text to caption");
  return source;
}

expected<std::string> narration_text_of(const std::string& text_task_id, const std::optional<field_map>& text_task,
                                        const input_roots& roots, int64_t max_bytes) {
  const std::string what = "text task " + text_task_id;
  if (!text_task)
    return make_error(errc::dependency_failed, what + " (the narration's text) does not exist (no task:" +
                                                   text_task_id + ")");
  std::string status = field_of(*text_task, "status");
  if (status != "success")
    return make_error(errc::dependency_failed,
                      what + " (the narration's text) is " + (status.empty() ? "without status" : status) +
                          ", not success");
  std::string ref = field_of(*text_task, "result_ref");
  if (ref.empty())
    return make_error(errc::dependency_failed, what + " succeeded without a result_ref");
  if (!looks_like_path(ref))
    return ref;  // the text service may store the text itself
  auto path = roots.locate(ref, "text", what + ": its result");
  if (!path)
    return make_error(path.error().code == errc::input_missing ? errc::dependency_failed : path.error().code,
                      path.error().message);
  return read_text_file(*path, roots, max_bytes, "the text of " + what);
}

std::vector<std::string> dependency_ids(const video_task& task) {
  std::vector<std::string> ids;
  if (!task.voice_track_id.empty())
    ids.push_back(task.voice_track_id);
  ids.insert(ids.end(), task.slide_ids.begin(), task.slide_ids.end());
  return ids;
}

dependency_verdict check_dependencies(const video_task& task,
                                      const std::map<std::string, std::optional<field_map>>& hashes,
                                      const input_roots& roots) {
  if (task.slide_ids.empty() && task.voice_track_id.empty())
    return from_params(task, roots);

  dependency_verdict verdict;
  auto resolve = [&](const std::string& id, const std::string& role,
                     const std::string& subfolder) -> std::optional<dependency_verdict> {
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
    auto path = roots.locate(ref, subfolder, "dependency " + role + " " + id + ": its result");
    if (!path)
      return failed(path.error().code == errc::input_missing ? errc::dependency_failed : path.error().code,
                    path.error().message);
    if (role == "voice track")
      verdict.inputs.audio_path = *path;
    else
      verdict.inputs.image_paths.push_back(*path);
    return std::nullopt;
  };

  // A failure anywhere wins over waiting: no point waiting for the rest.
  std::optional<dependency_verdict> first_wait;
  auto visit = [&](const std::string& id, const std::string& role, const std::string& subfolder) -> bool {
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
  if (task.voice_track_id.empty()) {
    auto audio = audio_from_params(task, roots);
    if (!audio)
      return failed(audio.error());
    verdict.inputs.audio_path = *audio;
  }
  if (task.slide_ids.empty()) {
    // A voice track but no slide tasks: the images come from params.
    auto fallback = from_params(task, roots);
    if (fallback.outcome == dependency_verdict::kind::failed)
      return fallback;
    verdict.inputs.image_paths = std::move(fallback.inputs.image_paths);
  }
  return verdict;
}

} // namespace vs::redis
