/// A Redis task hash as a worker and the API read it: parse_video_task, the
/// dependency check on the hashes of its voice track and slides, the
/// resolver's spec, and GET /jobs/{id}'s snapshot of the hash, including the
/// error a failed task stores.
///
/// Input: lines `field=value` (split at the first '='); a line `---` starts
/// the next hash. The first hash is the task; the following ones belong, in
/// order, to the ids dependency_ids() lists (missing ones: no such key).

#include "api/http_errors.hpp"
#include "api/job_json.hpp"
#include "jobs/json_text.hpp"
#include "jobs/job_request.hpp"
#include "fuzz/fuzz_check.hpp"
#include "redis/dependency_check.hpp"
#include "redis/input_roots.hpp"
#include "redis/task_snapshot.hpp"
#include "redis/video_task.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;
using vs::redis::field_map;

constexpr const char* target = "task_hash_fuzz";

/// An output tree with a voice track and slides that result_refs can name:
/// voice.mp3, voice/narration.mp3, images/slide1.png, slide2.png.
std::string output_dir;

std::vector<field_map> split_hashes(const std::string& text) {
  std::vector<field_map> hashes(1);
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos)
      end = text.size();
    std::string line = text.substr(start, end - start);
    if (line == "---") {
      hashes.emplace_back();
    } else if (auto equals = line.find('='); equals != std::string::npos) {
      hashes.back()[line.substr(0, equals)] = line.substr(equals + 1);
    }
    start = end + 1;
  }
  return hashes;
}

/// The text GET /jobs/{id} sends for a snapshot, serialised as the server
/// does (jobs::json_text). Task fields are raw bytes from Redis; a plain
/// dump() would throw on invalid UTF-8 (issue 7, defect 1).
std::string served_text(const nlohmann::json& body) { return vs::jobs::json_text(body); }

/// GET /jobs/{id} of any task hash.
void serve_snapshot(const std::string& id, const field_map& fields) {
  auto job = vs::redis::snapshot_from_task(id, fields);
  if (job.progress < 0.0 || job.progress > 1.0)
    vs::fuzz::fail(target, "progress outside 0..1: " + std::to_string(job.progress));
  (void)served_text(vs::api::snapshot_json(job));
}

/// A task that fails stores its message as `error`; the API then shows it.
void fail_task(const std::string& id, const vs::error& failure) {
  if (failure.message.empty())
    vs::fuzz::fail(target, std::string("failure without a message, code ") + vs::to_string(failure.code));
  serve_snapshot(id, {{"status", "failed"}, {"error", failure.message}});
}

void check_ready(const vs::redis::video_task& task, const vs::redis::dependency_verdict& verdict) {
  if (verdict.inputs.image_paths.empty())
    vs::fuzz::fail(target, "dependencies ready without a slide");
  if (!task.slide_ids.empty() && verdict.inputs.image_paths.size() != task.slide_ids.size())
    vs::fuzz::fail(target, std::to_string(task.slide_ids.size()) + " slide tasks gave " +
                               std::to_string(verdict.inputs.image_paths.size()) + " images");
  // What the dependency resolver submits.
  auto spec = vs::jobs::apply_job_fields(task.params, vs::media::render_spec{});
  if (!spec)
    return fail_task(task.id, spec.error());
  spec->audio_path = verdict.inputs.audio_path;
  spec->image_paths = verdict.inputs.image_paths;
  if (spec->audio_path.empty())
    spec->sync_to_audio = false;
  spec->output_path = output_dir + "/video/" + task.id + ".mp4";
  if (auto valid = vs::media::validate(*spec, vs::media::render_limits{}); !valid)
    fail_task(task.id, valid.error());
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  char pattern[] = "/tmp/task_hash_fuzz-XXXXXX";
  if (!mkdtemp(pattern))
    vs::fuzz::fail(target, "cannot make a temp dir");
  output_dir = pattern;
  fs::create_directories(output_dir + "/voice");
  fs::create_directories(output_dir + "/images");
  for (const char* file : {"voice.mp3", "voice/narration.mp3", "images/slide1.png", "slide2.png"})
    std::ofstream(output_dir + "/" + file) << "x";
  std::atexit([] { fs::remove_all(output_dir); });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  auto hashes = split_hashes(std::string(reinterpret_cast<const char*>(data), size));
  const std::string id = "fuzz-task";
  serve_snapshot(id, hashes[0]);
  auto task = vs::redis::parse_video_task(id, hashes[0]);
  if (!task)
    return fail_task(id, task.error()), 0;

  std::map<std::string, std::optional<field_map>> dependencies;
  auto ids = vs::redis::dependency_ids(*task);
  for (size_t i = 0; i < ids.size(); ++i)
    if (!dependencies.count(ids[i]))
      dependencies[ids[i]] = i + 1 < hashes.size() ? std::optional<field_map>(hashes[i + 1]) : std::nullopt;
  // The default confinement: MEDIA_ROOTS unset, so OUTPUT_DIR and its voice/images folders.
  const vs::redis::input_roots roots(output_dir, {});
  auto verdict = vs::redis::check_dependencies(*task, dependencies, roots);
  switch (verdict.outcome) {
    case vs::redis::dependency_verdict::kind::ready: check_ready(*task, verdict); break;
    case vs::redis::dependency_verdict::kind::failed: fail_task(id, verdict.failure); break;
    case vs::redis::dependency_verdict::kind::waiting:
      if (verdict.waiting_on.empty())
        vs::fuzz::fail(target, "waiting without saying on what");
      break;
  }
  return 0;
}
