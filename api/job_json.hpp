#pragma once
/// How a job looks in JSON (GET /jobs/{id}, lists, /generateVideo answers).

#include "jobs/job_service.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace vs::api {

/// ISO 8601 UTC with milliseconds, e.g. 2026-11-24T10:00:00.123Z; "" for 0.
std::string iso8601_utc(int64_t epoch_ms);

/// The URL path the API serves a job's video at.
std::string video_url(const std::string& job_id);

/// The URL path the API serves a job's poster at.
std::string poster_url(const std::string& job_id);

/// Adds `poster_url` and `poster_path` to `answer` if the job has a poster.
void add_poster(nlohmann::json& answer, const std::string& job_id, const jobs::job_result& result);

nlohmann::json snapshot_json(const jobs::job_snapshot& job);

} // namespace vs::api
