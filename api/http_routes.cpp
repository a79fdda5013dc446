#include "api/http_routes.hpp"

#include "api/http_cors.hpp"
#include "api/http_dashboard.hpp"
#include "api/http_generate.hpp"
#include "api/http_guarded.hpp"
#include "api/http_job_parts.hpp"
#include "api/http_openapi.hpp"
#include "api/http_poster.hpp"
#include "api/http_query.hpp"
#include "api/http_reply.hpp"
#include "api/http_submit.hpp"
#include "api/http_uploads.hpp"
#include "api/http_video.hpp"
#include "api/job_list_query.hpp"
#include "api/job_json.hpp"
#include "api/metrics_text.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <filesystem>

namespace vs::api {

using nlohmann::json;

namespace {

void send_snapshot(httplib::Response& res, jobs::job_service& jobs, const std::string& id) {
  auto job = jobs.find(id);
  if (!job)
    return send_error(res, job.error());
  send_json(res, 200, snapshot_json(*job));
}

} // namespace

void install_routes(route_registry& routes, route_context context) {
  routes.add("GET", "/health", guarded([context](const httplib::Request&, httplib::Response& res) {
    jobs::service_stats stats = context.jobs.stats();
    send_json(res, 200,
              {{"status", "healthy"},
               {"service", "video-service"},
               {"version", context.config.version},
               {"jobs", {{"running", stats.running}, {"queued", stats.queued}}},
               {"redis", stats.redis_state}});
  }));

  // For load balancers and orchestrators: 200 only while this process can
  // take jobs; /health stays 200 while it drains or Redis is down.
  routes.add("GET", "/ready", guarded([context](const httplib::Request&, httplib::Response& res) {
    jobs::service_stats stats = context.jobs.stats();
    if (!stats.accepting_jobs || context.stopping.load())
      return send_error(res, make_error(errc::unavailable, "the service is stopping and takes no new jobs"));
    if (stats.redis_state == "down")
      return send_error(res, make_error(errc::unavailable, "Redis is unreachable: the worker cannot take tasks"));
    send_json(res, 200, {{"status", "ready"}});
  }));

  // CORS preflights (and plain OPTIONS) on every path.
  routes.add("OPTIONS", "*", ".*", guarded([context](const httplib::Request& req, httplib::Response& res) {
    answer_options(req, res, context.config.cors_origins);
  }));

  routes.add("GET", "/metrics", guarded([context](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_metrics(context.jobs.stats()), "text/plain; version=0.0.4");
  }));

  // A JSON body, or multipart/form-data with the job and its files (api/http_job_parts).
  routes.add("POST", "/generateVideo", job_body_reader(context, generate_video));
  routes.add("POST", "/jobs", job_body_reader(context, post_job));

  routes.add("GET", "/jobs", guarded([context](const httplib::Request& req, httplib::Response& res) {
    auto query = job_query_of(req);
    if (!query)
      return send_error(res, query.error());
    json list = json::array();
    for (const auto& job : context.jobs.recent(*query))
      list.push_back(snapshot_json(job));
    send_json(res, 200, {{"jobs", list}});
  }));

  routes.add("GET", "/jobs/{id}", R"(/jobs/([A-Za-z0-9_-]{1,64}))",
             guarded([context](const httplib::Request& req, httplib::Response& res) {
    send_snapshot(res, context.jobs, req.matches[1]);
  }));

  routes.add("DELETE", "/jobs/{id}", R"(/jobs/([A-Za-z0-9_-]{1,64}))",
             guarded([context](const httplib::Request& req, httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto cancelled = context.jobs.cancel(id); !cancelled)
      return send_error(res, cancelled.error());
    send_snapshot(res, context.jobs, id);
  }));

  const std::string video_folder = (std::filesystem::path(context.config.output_dir) / "video").string();
  routes.add("GET", "/jobs/{id}/video", R"(/jobs/([A-Za-z0-9_-]{1,64})/video)",
             guarded([context, video_folder](const httplib::Request& req, httplib::Response& res) {
               serve_video(req, res, context.jobs, video_folder);
             }));
  routes.add("GET", "/jobs/{id}/poster", R"(/jobs/([A-Za-z0-9_-]{1,64})/poster)",
             guarded([context, video_folder](const httplib::Request& req, httplib::Response& res) {
               serve_poster(req, res, context.jobs, video_folder);
             }));

  install_upload_routes(routes, context);

  // Any task hash of the pipeline, as stored (all values are strings).
  routes.add("GET", "/tasks/{id}", R"(/tasks/([A-Za-z0-9_-]{1,64}))",
             guarded([context](const httplib::Request& req, httplib::Response& res) {
    auto task = context.jobs.find_task(req.matches[1]);
    if (!task)
      return send_error(res, task.error());
    send_json(res, 200, json(*task));
  }));

  install_openapi_routes(routes, context);
  install_dashboard_routes(routes, context);
}

} // namespace vs::api
