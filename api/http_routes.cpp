#include "api/http_routes.hpp"

#include "api/http_errors.hpp"
#include "api/http_framing.hpp"
#include "api/http_reply.hpp"
#include "api/http_video.hpp"
#include "api/job_json.hpp"
#include "api/job_request.hpp"
#include "api/metrics_text.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace vs::api {

using nlohmann::json;

namespace {

void send_snapshot(httplib::Response& res, job_service& jobs, const std::string& id) {
  auto job = jobs.find(id);
  if (!job)
    return send_error(res, job.error());
  send_json(res, 200, snapshot_json(*job));
}

/// Parses and checks a job body: JSON object, known fields well typed, input
/// files inside the media roots and present, parameters within bounds.
expected<media::render_spec> read_job(const httplib::Request& req, const route_context& context) {
  // A chunked body is bounded on the wire (http_connection) with some room
  // for its framing; its data must fit the limit all the same.
  if (req.body.size() > context.config.max_body_bytes)
    return make_error(errc::input_too_large, body_too_large_message(context.config.max_body_bytes));
  auto body = parse_json_object(req.body);
  if (!body)
    return body.error();
  if (body->contains("output_path"))
    return make_error(errc::invalid_argument, "output_path is chosen by the service and cannot be set",
                      "output_path");
  auto spec = apply_job_fields(*body, media::render_spec{});
  if (!spec)
    return spec.error();
  if (!spec->audio_path.empty()) {
    auto audio = context.roots.resolve(spec->audio_path, "audio_path");
    if (!audio)
      return audio.error();
    spec->audio_path = *audio;
  }
  for (auto& image : spec->image_paths) {
    auto resolved = context.roots.resolve(image, "image_paths");
    if (!resolved)
      return resolved.error();
    image = *resolved;
  }
  // Checked again on the files the render opens: a folder swapped for a
  // symlink after this check must not lead outside the roots.
  for (const auto& root : context.roots.roots())
    spec->input_roots.push_back(root.string());
  // The service sets the real output path; validate everything else now so
  // the client hears about a bad field before the job is queued.
  media::render_spec checked = *spec;
  checked.output_path = "pending.mp4";
  if (auto valid = media::validate(checked, media::render_limits{}); !valid)
    return valid.error();
  return spec;
}

/// Reads, checks and queues the job of a POST body; returns its id.
expected<std::string> submit_job(const httplib::Request& req, const route_context& context) {
  auto spec = read_job(req, context);
  if (!spec)
    return spec.error();
  return context.jobs.submit(std::move(*spec));
}

json generate_answer(const job_snapshot& job) {
  const job_result& result = *job.result;
  return {
      {"success", true},
      {"message", "Video generated successfully"},
      {"video_url", video_url(job.id)},
      {"video_path", result.video_path},
      {"duration", result.duration_seconds},
      {"file_size", result.file_size},
      {"resolution", {result.width, result.height}},
      {"job_id", job.id},
  };
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
expected<job_snapshot> wait_for_job(const route_context& context, const std::string& id) {
  auto deadline = std::chrono::steady_clock::now() + context.config.generate_timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now());
    auto job = context.jobs.wait(id, std::clamp(left, std::chrono::milliseconds(0), std::chrono::milliseconds(500)));
    if (!job || is_final(job->state) || left.count() <= 0 || context.stopping.load())
      return job;
  }
}

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
  if (job->state == job_state::success && job->result)
    return send_json(res, 200, generate_answer(*job));
  error failure = job->failure ? *job->failure
                  : is_final(job->state) || !context.stopping.load()
                      ? make_error(errc::dependency_timeout,
                                   "job " + *id + " did not finish in time; poll GET /jobs/" + *id)
                      : make_error(errc::unavailable, "the server is stopping; poll GET /jobs/" + *id);
  send_json(res, http_status_for(failure.code), {{"success", false}, {"job_id", *id}, {"error", error_object(failure)}});
}

/// Wraps a handler so that no exception ever escapes as a crash or an HTML page.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      send_error(res, make_error(errc::internal, std::string("internal error: ") + e.what()));
    } catch (...) {
      send_error(res, make_error(errc::internal, "internal error"));
    }
  };
}

} // namespace

void install_routes(httplib::Server& server, route_context context) {
  server.Get("/health", guarded([context](const httplib::Request&, httplib::Response& res) {
    service_stats stats = context.jobs.stats();
    send_json(res, 200,
              {{"status", "healthy"},
               {"service", "video-service"},
               {"version", context.config.version},
               {"jobs", {{"running", stats.running}, {"queued", stats.queued}}},
               {"redis", stats.redis_state}});
  }));

  server.Get("/metrics", guarded([context](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_metrics(context.jobs.stats()), "text/plain; version=0.0.4");
  }));

  server.Post("/generateVideo", guarded([context](const httplib::Request& req, httplib::Response& res) {
    generate_video(req, res, context);
  }));

  server.Post("/jobs", guarded([context](const httplib::Request& req, httplib::Response& res) {
    auto id = submit_job(req, context);
    if (!id)
      return send_error(res, id.error());
    res.set_header("Location", "/jobs/" + *id);
    send_json(res, 202, {{"job_id", *id}, {"status", "queued"}, {"status_url", "/jobs/" + *id}});
  }));

  server.Get("/jobs", guarded([context](const httplib::Request& req, httplib::Response& res) {
    size_t limit = 50;
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(text) < 1 || std::stoul(text) > 1000)
        return send_error(res, make_error(errc::invalid_argument, "limit must be between 1 and 1000", "limit"));
      limit = std::stoul(text);
    }
    json list = json::array();
    for (const auto& job : context.jobs.recent(limit))
      list.push_back(snapshot_json(job));
    send_json(res, 200, {{"jobs", list}});
  }));

  server.Get(R"(/jobs/([A-Za-z0-9_-]{1,64}))", guarded([context](const httplib::Request& req,
                                                                 httplib::Response& res) {
    send_snapshot(res, context.jobs, req.matches[1]);
  }));

  server.Delete(R"(/jobs/([A-Za-z0-9_-]{1,64}))", guarded([context](const httplib::Request& req,
                                                                    httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto cancelled = context.jobs.cancel(id); !cancelled)
      return send_error(res, cancelled.error());
    send_snapshot(res, context.jobs, id);
  }));

  const std::string video_folder = (std::filesystem::path(context.config.output_dir) / "video").string();
  server.Get(R"(/jobs/([A-Za-z0-9_-]{1,64})/video)",
             guarded([context, video_folder](const httplib::Request& req, httplib::Response& res) {
               serve_video(req, res, context.jobs, video_folder);
             }));

  // Any task hash of the pipeline, as stored (all values are strings).
  server.Get(R"(/tasks/([A-Za-z0-9_-]{1,64}))", guarded([context](const httplib::Request& req,
                                                                  httplib::Response& res) {
    auto task = context.jobs.find_task(req.matches[1]);
    if (!task)
      return send_error(res, task.error());
    send_json(res, 200, json(*task));
  }));
}

} // namespace vs::api
