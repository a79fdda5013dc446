#include "api/job_json.hpp"

#include "api/http_errors.hpp"
#include "api/webhook_json.hpp"

#include <nlohmann/json.hpp>

#include <ctime>

namespace vs::api {

std::string iso8601_utc(int64_t epoch_ms) {
  if (epoch_ms <= 0)
    return "";
  std::time_t seconds = static_cast<std::time_t>(epoch_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  char text[40];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &utc);
  char with_ms[48];
  std::snprintf(with_ms, sizeof with_ms, "%s.%03dZ", text, static_cast<int>(epoch_ms % 1000));
  return with_ms;
}

std::string video_url(const std::string& job_id) { return "/jobs/" + job_id + "/video"; }

std::string poster_url(const std::string& job_id) { return "/jobs/" + job_id + "/poster"; }

void add_poster(nlohmann::json& answer, const std::string& job_id, const jobs::job_result& result) {
  if (result.poster_path.empty())
    return;
  answer["poster_url"] = poster_url(job_id);
  answer["poster_path"] = result.poster_path;
}

nlohmann::json snapshot_json(const jobs::job_snapshot& job) {
  nlohmann::json out = {
      {"job_id", job.id},
      {"status", to_string(job.state)},
      {"source", job.source},
      {"progress", job.progress},
      {"frames_done", job.frames_done},
      {"frames_total", job.frames_total},
      {"created_at", iso8601_utc(job.created_at_ms)},
  };
  if (job.chunks_total > 0) {
    out["chunks_done"] = job.chunks_done;
    out["chunks_total"] = job.chunks_total;
  }
  if (job.started_at_ms > 0)
    out["started_at"] = iso8601_utc(job.started_at_ms);
  if (job.finished_at_ms > 0) {
    out["finished_at"] = iso8601_utc(job.finished_at_ms);
    if (job.started_at_ms > 0)
      out["elapsed_seconds"] = static_cast<double>(job.finished_at_ms - job.started_at_ms) / 1000.0;
  }
  if (job.result) {
    out["result"] = {
        {"video_url", video_url(job.id)},
        {"video_path", job.result->video_path},
        {"duration", job.result->duration_seconds},
        {"file_size", job.result->file_size},
        {"resolution", {job.result->width, job.result->height}},
        {"fps", job.result->fps},
        {"frames", job.result->frames},
    };
    add_poster(out["result"], job.id, *job.result);
    if (!job.result->captions_path.empty())
      out["result"]["captions_path"] = job.result->captions_path;
  }
  if (job.failure)
    out["error"] = error_object(*job.failure);
  if (job.webhook)
    out["webhook"] = webhook_json(*job.webhook);
  return out;
}

} // namespace vs::api
