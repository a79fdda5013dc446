#include "api/metrics_text.hpp"

#include <iomanip>
#include <sstream>

namespace vs::api {

namespace {

void family(std::ostringstream& out, const char* name, const char* type, const char* help) {
  out << "# HELP " << name << ' ' << help << "\n# TYPE " << name << ' ' << type << '\n';
}

} // namespace

std::string render_metrics(const jobs::service_stats& stats) {
  std::ostringstream out;
  out << std::setprecision(10);
  family(out, "vs_jobs", "gauge", "Jobs by state (finished jobs are counted since start).");
  for (const char* state : {"queued", "processing", "success", "failed", "cancelled"}) {
    auto found = stats.jobs_by_state.find(state);
    out << "vs_jobs{state=\"" << state << "\"} " << (found == stats.jobs_by_state.end() ? 0 : found->second)
        << '\n';
  }
  family(out, "vs_jobs_running", "gauge", "Jobs rendering now.");
  out << "vs_jobs_running " << stats.running << '\n';
  family(out, "vs_queue_depth", "gauge", "Jobs waiting for a render slot.");
  out << "vs_queue_depth " << stats.queued << '\n';
  family(out, "vs_max_concurrent_jobs", "gauge", "Jobs allowed to render at once.");
  out << "vs_max_concurrent_jobs " << stats.max_concurrent << '\n';
  family(out, "vs_frames_rendered_total", "counter", "Video frames rendered since start.");
  out << "vs_frames_rendered_total " << stats.frames_rendered << '\n';
  family(out, "vs_chunks_rendered_total", "counter", "Chunks of chunked jobs this worker rendered since start.");
  out << "vs_chunks_rendered_total " << stats.chunks_rendered << '\n';
  family(out, "vs_render_fps", "gauge", "Frames rendered per second over the last few seconds.");
  out << "vs_render_fps " << stats.render_fps << '\n';
  family(out, "vs_job_duration_seconds", "histogram", "Wall time of finished jobs, from start to end.");
  for (size_t i = 0; i < stats.duration_buckets.size() && i < stats.duration_bucket_counts.size(); ++i)
    out << "vs_job_duration_seconds_bucket{le=\"" << stats.duration_buckets[i] << "\"} "
        << stats.duration_bucket_counts[i] << '\n';
  out << "vs_job_duration_seconds_bucket{le=\"+Inf\"} " << stats.duration_count << '\n';
  out << "vs_job_duration_seconds_sum " << stats.duration_sum << '\n';
  out << "vs_job_duration_seconds_count " << stats.duration_count << '\n';
  // Standalone there is no Redis to be up or down: the gauge is left out,
  // so an alert on vs_redis_up == 0 only fires where Redis is configured.
  if (stats.redis_state != "disabled") {
    family(out, "vs_redis_up", "gauge", "1 if Redis is reachable, 0 if it is down (absent without Redis).");
    out << "vs_redis_up " << (stats.redis_state == "up" ? 1 : 0) << '\n';
  }
  return out.str();
}

} // namespace vs::api
