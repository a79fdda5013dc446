#include "api/http_poster.hpp"

#include "api/http_reply.hpp"
#include "api/http_video.hpp"
#include "api/video_file.hpp"

namespace vs::api {

void serve_poster(const httplib::Request& req, httplib::Response& res, jobs::job_service& jobs,
                  const std::string& video_folder) {
  auto job = finished_job(jobs, req.matches[1], "poster");
  if (!job)
    return send_error(res, job.error());
  if (job->result->poster_path.empty())
    return send_error(res, make_error(errc::not_found, "job " + job->id +
                                                           " has no poster: it was rendered without \"poster\""));
  const std::string what = "the poster of job " + job->id;
  auto file = open_video_file(video_folder, job->result->poster_path, what);
  if (!file)
    return send_error(res, file.error());
  send_file(req, res, std::move(*file), "image/jpeg", what);
}

} // namespace vs::api
