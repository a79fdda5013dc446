#include "api/http_generate.hpp"

#include "api/http_errors.hpp"
#include "api/http_reply.hpp"
#include "api/http_submit.hpp"
#include "api/job_json.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>

namespace vs::api {

using nlohmann::json;

namespace {

json generate_answer(const jobs::job_snapshot& job) {
  const jobs::job_result& result = *job.result;
  json answer = {
      {"success", true},
      {"message", "Video generated successfully"},
      {"video_url", video_url(job.id)},
      {"video_path", result.video_path},
      {"duration", result.duration_seconds},
      {"file_size", result.file_size},
      {"resolution", {result.width, result.height}},
      {"job_id", job.id},
  };
  add_poster(answer, job.id, result);
  if (!result.captions_path.empty())
    answer["captions_path"] = result.captions_path;
  return answer;
}

/// Counts one waiting POST /generateVideo while it lives; `held()` is false
/// if there were already `limit` of them.
class sync_wait_slot {
public:
  sync_wait_slot(std::atomic<int>& waits, int limit) : waits_(waits), held_(++waits_ <= limit) {
    if (!held_)
      --waits_;
  }
  ~sync_wait_slot() {
    if (held_)
      --waits_;
  }
  sync_wait_slot(const sync_wait_slot&) = delete;
  sync_wait_slot& operator=(const sync_wait_slot&) = delete;
  bool held() const { return held_; }

private:
  std::atomic<int>& waits_;
  bool held_;
};

/// Waits for the job in short slices so that a stopping server is not held
/// for the length of a render.
expected<jobs::job_snapshot> wait_for_job(const route_context& context, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + context.config.generate_timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto job = context.jobs.wait(id, std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(500)));
    if (!job || is_final(job->state) || left.count() <= 0 || context.stopping.load())
      return job;
  }
}

} // namespace

void generate_video(const httplib::Request& req, httplib::Response& res, const route_context& context) {
  sync_wait_slot slot(context.sync_waits, context.config.max_sync_waits);
  if (!slot.held())
    return send_error(res, make_error(errc::busy, std::to_string(context.config.max_sync_waits) +
                                                      " POST /generateVideo calls are waiting already; retry later, "
                                                      "or submit with POST /jobs and poll GET /jobs/{id}"));
  auto id = submit_job(req, context);
  if (!id)
    return send_error(res, id.error());
  auto job = wait_for_job(context, *id);
  if (!job)
    return send_error(res, job.error());
  if (job->state == jobs::job_state::success && job->result)
    return send_json(res, 200, generate_answer(*job));
  error failure = job->failure ? *job->failure
                  : is_final(job->state) || !context.stopping.load()
                      ? make_error(errc::dependency_timeout,
                                   "job " + *id + " did not finish in time; poll GET /jobs/" + *id)
                      : make_error(errc::unavailable, "the server is stopping; poll GET /jobs/" + *id);
  send_json(res, http_status_for(failure.code), {{"success", false}, {"job_id", *id}, {"error", error_object(failure)}});
}

} // namespace vs::api
