#include "api/http_admin.hpp"

#include "api/http_guarded.hpp"
#include "api/http_query.hpp"
#include "api/http_reply.hpp"
#include "api/spec_summary.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

namespace vs::api {

using nlohmann::json;

namespace {

json depths_json(const jobs::queue_depths& depths) {
  return {{"tasks_queued", depths.tasks_queued},
          {"tasks_processing", depths.tasks_processing},
          {"chunks_queued", depths.chunks_queued},
          {"chunks_processing", depths.chunks_processing},
          {"dead", depths.dead}};
}

json worker_json(const jobs::worker_view& worker) {
  json tasks = json::array();
  for (const auto& task : worker.tasks)
    tasks.push_back({{"id", task.id}, {"status", task.status}, {"progress", task.progress}});
  return {{"id", worker.id},
          {"alive", worker.alive},
          {"lease_ms_left", worker.lease_ms_left},
          {"heartbeat_at", worker.heartbeat_at},
          {"tasks", tasks},
          {"chunks", worker.chunks}};
}

json dead_letter_json(const jobs::dead_letter& entry) {
  return {{"id", entry.id},       {"has_task", entry.has_task}, {"name", entry.name},
          {"status", entry.status}, {"error", entry.error},     {"attempts", entry.attempts},
          {"updated_at", entry.updated_at}};
}

void send_queues(httplib::Response& res, jobs::job_service& jobs) {
  jobs::service_stats stats = jobs.stats();
  json body = {{"redis", stats.redis_state}, {"jobs", {{"running", stats.running}, {"queued", stats.queued}}}};
  if (jobs::queue_admin* admin = jobs.admin()) {
    auto depths = admin->depths();
    if (!depths)
      return send_error(res, depths.error());
    body["queues"] = depths_json(*depths);
  }
  send_json(res, 200, body);
}

void send_workers(httplib::Response& res, jobs::job_service& jobs) {
  json list = json::array();
  if (jobs::queue_admin* admin = jobs.admin()) {
    auto workers = admin->workers();
    if (!workers)
      return send_error(res, workers.error());
    for (const auto& worker : *workers)
      list.push_back(worker_json(worker));
  }
  send_json(res, 200, {{"redis", jobs.stats().redis_state}, {"workers", list}});
}

void send_dead_letters(const httplib::Request& req, httplib::Response& res, jobs::job_service& jobs) {
  auto limit = limit_param(req, 50);
  if (!limit)
    return send_error(res, limit.error());
  json list = json::array();
  int64_t total = 0;
  if (jobs::queue_admin* admin = jobs.admin()) {
    auto page = admin->dead_letters(*limit);
    if (!page)
      return send_error(res, page.error());
    total = page->total;
    for (const auto& entry : page->entries)
      list.push_back(dead_letter_json(entry));
  }
  send_json(res, 200, {{"redis", jobs.stats().redis_state}, {"total", total}, {"dead_letters", list}});
}

void requeue(httplib::Response& res, jobs::job_service& jobs, const std::string& id) {
  jobs::queue_admin* admin = jobs.admin();
  if (!admin)
    return send_error(res, make_error(errc::not_found, "task " + id +
                                                           " is not on a dead-letter queue: there is none without "
                                                           "Redis (REDIS_URL or REDIS_HOST)"));
  if (auto requeued = admin->requeue_dead(id); !requeued)
    return send_error(res, requeued.error());
  send_json(res, 200, {{"job_id", id}, {"status", "queued"}, {"status_url", "/jobs/" + id}});
}

} // namespace

void install_admin_routes(route_registry& routes, const route_context& context) {
  jobs::job_service& jobs = context.jobs;
  routes.add("GET", "/queues", guarded([&jobs](const httplib::Request&, httplib::Response& res) {
    send_queues(res, jobs);
  }));
  routes.add("GET", "/workers", guarded([&jobs](const httplib::Request&, httplib::Response& res) {
    send_workers(res, jobs);
  }));
  routes.add("GET", "/dead-letters", guarded([&jobs](const httplib::Request& req, httplib::Response& res) {
    send_dead_letters(req, res, jobs);
  }));
  routes.add("POST", "/dead-letters/{id}/requeue", R"(/dead-letters/([A-Za-z0-9_-]{1,64})/requeue)",
             guarded([&jobs](const httplib::Request& req, httplib::Response& res) {
               requeue(res, jobs, req.matches[1]);
             }));
  routes.add("GET", "/jobs/{id}/spec", R"(/jobs/([A-Za-z0-9_-]{1,64})/spec)",
             guarded([&jobs](const httplib::Request& req, httplib::Response& res) {
               auto job = jobs.find(req.matches[1]);
               if (!job)
                 return send_error(res, job.error());
               send_json(res, 200, {{"job_id", job->id}, {"spec", spec_summary(job->spec)}});
             }));
}

} // namespace vs::api
