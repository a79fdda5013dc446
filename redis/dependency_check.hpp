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

} // namespace vs::redis
