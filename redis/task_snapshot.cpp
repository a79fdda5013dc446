#include "redis/task_snapshot.hpp"

#include "jobs/job_request.hpp"
#include "jobs/json_text.hpp"
#include "redis/local_time.hpp"
#include "redis/task_keys.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <limits>

namespace vs::redis {

namespace {

int64_t timestamp_ms(const field_map& fields, const std::string& name) {
  return parse_local_timestamp(field_of(fields, name)).value_or(0);
}

/// A count another process wrote: 0 when absent, not a number or negative,
/// capped at INT_MAX (atoi on a longer number is undefined).
int count_field(const field_map& fields, const std::string& name) {
  const long long value = std::strtoll(field_of(fields, name).c_str(), nullptr, 10);
  return static_cast<int>(std::clamp<long long>(value, 0, std::numeric_limits<int>::max()));
}

/// The task's `progress` (percent) as a fraction; 0 when it is no number.
double progress_field(const field_map& fields) {
  const double percent = std::atof(field_of(fields, "progress").c_str());
  return std::isfinite(percent) ? std::clamp(percent / 100.0, 0.0, 1.0) : 0.0;
}

nlohmann::json params_of(const media::render_spec& spec) {
  return {{"audio_path", spec.audio_path},
          {"image_paths", spec.image_paths},
          {"fps", spec.fps},
          {"resolution", {spec.width, spec.height}},
          {"slide_duration", spec.slide_duration},
          {"transition_duration", spec.transition_duration},
          {"enable_ken_burns", spec.ken_burns},
          {"zoom_factor", spec.zoom_factor}};
}

} // namespace

std::vector<std::pair<std::string, std::string>> chunk_fields(const jobs::job_snapshot& job) {
  if (job.chunks_total <= 0)
    return {};
  return {{"chunks_done", std::to_string(job.chunks_done)}, {"chunks_total", std::to_string(job.chunks_total)}};
}

std::vector<std::pair<std::string, std::string>> http_job_fields(const jobs::job_snapshot& job,
                                                                 const std::string& worker) {
  std::vector<std::pair<std::string, std::string>> fields{
    {"id", job.id},
    {"service", service_name},
    {"name", "GenerateVideo"},
    {"source", job.source},
    {"status", jobs::to_string(job.state)},
    {"queue", "0"},
    {"worker", worker},
    {"progress", std::to_string(static_cast<int>(job.progress * 100))},
    {"params", jobs::json_text(params_of(job.spec))},
    {"created_at", local_timestamp(job.created_at_ms)},
    {"updated_at", local_timestamp()},
  };
  for (auto& chunk_field : chunk_fields(job))
    fields.push_back(std::move(chunk_field));
  if (job.started_at_ms > 0)
    fields.emplace_back("started_at", local_timestamp(job.started_at_ms));
  if (job.finished_at_ms > 0)
    fields.emplace_back("finished_at", local_timestamp(job.finished_at_ms));
  if (job.result) {
    char duration[32];
    std::snprintf(duration, sizeof duration, "%.3f", job.result->duration_seconds);
    fields.emplace_back("result_ref", job.result->video_path);
    fields.emplace_back("duration", duration);
    fields.emplace_back("file_size", std::to_string(job.result->file_size));
    if (!job.result->poster_path.empty())
      fields.emplace_back("poster_ref", job.result->poster_path);
    if (!job.result->captions_path.empty())
      fields.emplace_back("captions_ref", job.result->captions_path);
  }
  if (job.failure)
    fields.emplace_back("error", job.failure->message);
  return fields;
}

jobs::job_snapshot snapshot_from_task(const std::string& id, const field_map& fields) {
  jobs::job_snapshot job;
  job.id = id;
  job.source = field_of(fields, "source").empty() ? "redis" : field_of(fields, "source");
  std::string status = field_of(fields, "status");
  if (status == "processing")
    job.state = jobs::job_state::processing;
  else if (status == "success")
    job.state = jobs::job_state::success;
  else if (status == "failed")
    job.state = jobs::job_state::failed;
  else if (status == "cancelled")
    job.state = jobs::job_state::cancelled;
  else
    job.state = jobs::job_state::queued;  // pending, queued
  job.progress = progress_field(fields);
  job.chunks_done = count_field(fields, "chunks_done");
  job.chunks_total = count_field(fields, "chunks_total");
  job.created_at_ms = timestamp_ms(fields, "created_at");
  job.started_at_ms = timestamp_ms(fields, "started_at");
  job.finished_at_ms = timestamp_ms(fields, "finished_at");
  if (auto params = jobs::parse_json_object(field_of(fields, "params"))) {
    // captions: true means the chain's narration text, which only the resolver reads.
    if (params->contains("captions") && params->at("captions").is_boolean())
      params->erase("captions");
    if (auto spec = jobs::apply_job_fields(*params, media::render_spec{}))
      job.spec = std::move(*spec);
  }
  if (job.state == jobs::job_state::success) {
    jobs::job_result result;
    result.video_path = field_of(fields, "result_ref");
    result.captions_path = field_of(fields, "captions_ref");
    result.duration_seconds = std::atof(field_of(fields, "duration").c_str());
    result.file_size = std::atoll(field_of(fields, "file_size").c_str());
    result.width = job.spec.width;
    result.height = job.spec.height;
    result.fps = job.spec.fps;
    result.poster_path = field_of(fields, "poster_ref");
    job.result = result;
  }
  if (job.state == jobs::job_state::failed || job.state == jobs::job_state::cancelled) {
    std::string why = field_of(fields, "error");
    job.failure = make_error(job.state == jobs::job_state::cancelled ? errc::cancelled : errc::internal,
                             why.empty() ? "failed" : why);
  }
  return job;
}

} // namespace vs::redis
