#pragma once
/// Decides what a video task's dependencies say: all done (here are the
/// input files), some still running (wait), or one failed or lost its
/// result (the task fails, naming it). Pure: the caller reads the hashes.

#include "redis/input_roots.hpp"
#include "redis/task_queue.hpp"
#include "redis/video_task.hpp"

#include <map>
#include <optional>
#include <string>
#include <vector>

namespace vs::redis {

struct task_inputs {
  std::string audio_path;               ///< empty: a silent video
  std::vector<std::string> image_paths;
};

struct dependency_verdict {
  enum class kind { ready, waiting, failed } outcome = kind::ready;
  task_inputs inputs;                   ///< when ready
  std::string waiting_on;               ///< when waiting: "slide 29d7da22 (processing)"
  error failure;                        ///< when failed
};

/// The dependency ids of a task: the voice track first, then the slides.
std::vector<std::string> dependency_ids(const video_task& task);

/// `hashes` maps each id of dependency_ids(task) to its hash (nullopt: no
/// such key). Result refs and params paths are located by `roots`
/// (relative ones under OUTPUT_DIR, then its voice or images folder); the
/// file must exist inside the roots. Without dependencies,
/// params.audio_path and params.image_paths are used.
dependency_verdict check_dependencies(const video_task& task,
                                      const std::map<std::string, std::optional<field_map>>& hashes,
                                      const input_roots& roots);

// ---- Narration text, for `params.captions: true` (PROTOCOL.md, "Narration text") ----

/// True if the task asks for captions of its narration's own text.
bool wants_narration_captions(const video_task& task);

/// Where a voice task's text is: the CreateText task it names
/// (`text_task_id`, a hash field or in its params), else its params.text.
struct narration_text_source {
  std::string text_task_id;
  std::string text;
};

/// errc::dependency_failed naming the voice task when it gives neither.
expected<narration_text_source> narration_text_source_of(const std::string& voice_id, const field_map& voice);

/// The text a CreateText task's result stands for: a ref naming a file
/// inside `roots` (absolute, or relative to OUTPUT_DIR or OUTPUT_DIR/text)
/// is that file's UTF-8 contents (at most `max_bytes`); a ref that is no
/// path is the text itself. errc::dependency_failed if the task is missing,
/// not successful, or names a file that cannot be read.
expected<std::string> narration_text_of(const std::string& text_task_id, const std::optional<field_map>& text_task,
                                        const input_roots& roots, int64_t max_bytes);

} // namespace vs::redis
