#include "api/http_routes.hpp"

#include "api/http_errors.hpp"
#include "api/http_range.hpp"
#include "api/job_json.hpp"
#include "api/job_request.hpp"
#include "api/metrics_text.hpp"

#include <httplib.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>

namespace vs::api {

using nlohmann::json;

namespace {

constexpr const char* json_type = "application/json";

void send_json(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(body.dump(), json_type);
}

void send_error(httplib::Response& res, const error& failure) {
  res.status = http_status_for(failure.code);
  res.set_content(error_body(failure), json_type);
}

void send_snapshot(httplib::Response& res, job_service& jobs, const std::string& id) {
  auto job = jobs.find(id);
  if (!job)
    return send_error(res, job.error());
  send_json(res, 200, snapshot_json(*job));
}

/// Parses and checks a job body: JSON object, known fields well typed, input
/// files inside the media roots and present, parameters within bounds.
expected<media::render_spec> read_job(const httplib::Request& req, const media_roots& roots) {
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
    auto audio = roots.resolve(spec->audio_path, "audio_path");
    if (!audio)
      return audio.error();
    spec->audio_path = *audio;
  }
  for (auto& image : spec->image_paths) {
    auto resolved = roots.resolve(image, "image_paths");
    if (!resolved)
      return resolved.error();
    image = *resolved;
  }
  // Checked again on the files the render opens: a folder swapped for a
  // symlink after this check must not lead outside the roots.
  for (const auto& root : roots.roots())
    spec->input_roots.push_back(root.string());
  // The service sets the real output path; validate everything else now so
  // the client hears about a bad field before the job is queued.
  media::render_spec checked = *spec;
  checked.output_path = "pending.mp4";
  if (auto valid = media::validate(checked, media::render_limits{}); !valid)
    return valid.error();
  return spec;
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

/// Wraps a handler so that no exception ever escapes as a crash or an HTML page.
template <class Handler>
httplib::Server::Handler guarded(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res) {
    try {
      handler(req, res);
    } catch (const std::exception& e) {
      send_error(res, make_error(errc::internal, std::string("internal error: ") + e.what()));
    }
  };
}

void serve_video(const httplib::Request& req, httplib::Response& res, job_service& jobs) {
  auto job = jobs.find(req.matches[1]);
  if (!job)
    return send_error(res, job.error());
  if (job->state != job_state::success || !job->result)
    return send_error(res, make_error(errc::conflict, "job " + job->id + " has no video (it is " +
                                                          std::string(to_string(job->state)) + ")"));
  const std::string path = job->result->video_path;
  std::error_code ec;
  auto size = std::filesystem::file_size(path, ec);
  if (ec)
    return send_error(res, make_error(errc::not_found, "the video of job " + job->id + " is gone"));
  res.set_header("Accept-Ranges", "bytes");
  switch (check_range(req.get_header_value("Range"), size)) {
    case range_check::unsatisfiable:
      res.status = 416;
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      res.set_content(error_body(make_error(errc::invalid_argument, "the requested range is not satisfiable")),
                      json_type);
      return;
    case range_check::none:
    case range_check::satisfiable: break;
  }
  auto file = std::make_shared<std::ifstream>(path, std::ios::binary);
  if (!*file)
    return send_error(res, make_error(errc::not_found, "the video of job " + job->id + " cannot be read"));
  // Streamed from disk in pieces: a long video never sits in memory whole.
  res.set_content_provider(size, "video/mp4", [file, size](size_t offset, size_t length, httplib::DataSink& sink) {
    if (offset >= size)
      return false;
    length = std::min<size_t>({length, size - offset, 1 << 16});
    std::vector<char> buffer(length);
    file->seekg(static_cast<std::streamoff>(offset));
    if (!file->read(buffer.data(), static_cast<std::streamsize>(length)))
      return false;
    return sink.write(buffer.data(), length);
  });
}

} // namespace

void install_routes(httplib::Server& server, job_service& jobs, const http_config& config,
                    const media_roots& roots) {
  server.Get("/health", guarded([&jobs, &config](const httplib::Request&, httplib::Response& res) {
    service_stats stats = jobs.stats();
    send_json(res, 200,
              {{"status", "healthy"},
               {"service", "video-service"},
               {"version", config.version},
               {"jobs", {{"running", stats.running}, {"queued", stats.queued}}},
               {"redis", stats.redis_state}});
  }));

  server.Get("/metrics", guarded([&jobs](const httplib::Request&, httplib::Response& res) {
    res.set_content(render_metrics(jobs.stats()), "text/plain; version=0.0.4");
  }));

  server.Post("/generateVideo", guarded([&jobs, &config, &roots](const httplib::Request& req,
                                                                 httplib::Response& res) {
    auto spec = read_job(req, roots);
    if (!spec)
      return send_error(res, spec.error());
    auto id = jobs.submit(std::move(*spec));
    if (!id)
      return send_error(res, id.error());
    auto job = jobs.wait(*id, config.generate_timeout);
    if (!job)
      return send_error(res, job.error());
    if (job->state == job_state::success && job->result)
      return send_json(res, 200, generate_answer(*job));
    error failure = job->failure ? *job->failure
                                 : make_error(errc::dependency_timeout,
                                              "job " + *id + " did not finish in time; poll GET /jobs/" + *id);
    json body = {{"success", false}, {"job_id", *id}, {"error", error_object(failure)}};
    send_json(res, http_status_for(failure.code), body);
  }));

  server.Post("/jobs", guarded([&jobs, &roots](const httplib::Request& req, httplib::Response& res) {
    auto spec = read_job(req, roots);
    if (!spec)
      return send_error(res, spec.error());
    auto id = jobs.submit(std::move(*spec));
    if (!id)
      return send_error(res, id.error());
    res.set_header("Location", "/jobs/" + *id);
    send_json(res, 202, {{"job_id", *id}, {"status", "queued"}, {"status_url", "/jobs/" + *id}});
  }));

  server.Get("/jobs", guarded([&jobs](const httplib::Request& req, httplib::Response& res) {
    size_t limit = 50;
    if (req.has_param("limit")) {
      const std::string text = req.get_param_value("limit");
      if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
          std::stoul(text) < 1 || std::stoul(text) > 1000)
        return send_error(res, make_error(errc::invalid_argument, "limit must be between 1 and 1000", "limit"));
      limit = std::stoul(text);
    }
    json list = json::array();
    for (const auto& job : jobs.recent(limit))
      list.push_back(snapshot_json(job));
    send_json(res, 200, {{"jobs", list}});
  }));

  server.Get(R"(/jobs/([A-Za-z0-9_-]{1,64}))", guarded([&jobs](const httplib::Request& req,
                                                              httplib::Response& res) {
    send_snapshot(res, jobs, req.matches[1]);
  }));

  server.Delete(R"(/jobs/([A-Za-z0-9_-]{1,64}))", guarded([&jobs](const httplib::Request& req,
                                                                 httplib::Response& res) {
    const std::string id = req.matches[1];
    if (auto cancelled = jobs.cancel(id); !cancelled)
      return send_error(res, cancelled.error());
    send_snapshot(res, jobs, id);
  }));

  server.Get(R"(/jobs/([A-Za-z0-9_-]{1,64})/video)",
             guarded([&jobs](const httplib::Request& req, httplib::Response& res) { serve_video(req, res, jobs); }));

  // Any task hash of the pipeline, as stored (all values are strings).
  server.Get(R"(/tasks/([A-Za-z0-9_-]{1,64}))", guarded([&jobs](const httplib::Request& req,
                                                               httplib::Response& res) {
    auto task = jobs.find_task(req.matches[1]);
    if (!task)
      return send_error(res, task.error());
    send_json(res, 200, json(*task));
  }));

  // httplib answers unknown routes and oversized bodies itself; give those
  // the same JSON error shape as everything else.
  server.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty())
      return;
    if (res.status == 413)
      res.set_content(error_body(make_error(errc::input_too_large, "the request body is too large")), json_type);
    else if (res.status == 404)
      res.set_content(error_body(make_error(errc::not_found, "no route for " + req.method + " " + req.path)),
                      json_type);
    else if (res.status == 416)
      res.set_content(error_body(make_error(errc::invalid_argument, "the requested range is not satisfiable")),
                      json_type);
  });
}

} // namespace vs::api
