#include "api/http_poster.hpp"

#include "api/http_reply.hpp"
#include "api/video_file.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace vs::api {

namespace {

constexpr size_t slice_bytes = 64 * 1024;

} // namespace

void serve_poster(const httplib::Request& req, httplib::Response& res, job_service& jobs,
                  const std::string& video_folder) {
  auto job = finished_job(jobs, req.matches[1], "poster");
  if (!job)
    return send_error(res, job.error());
  if (job->result->poster_path.empty())
    return send_error(res, make_error(errc::not_found, "job " + job->id +
                                                           " has no poster: it was rendered without \"poster\""));
  auto file = open_video_file(video_folder, job->result->poster_path, "the poster of job " + job->id);
  if (!file)
    return send_error(res, file.error());
  const auto size = static_cast<size_t>((*file)->size());
  res.status = 200;
  res.set_content_provider(size, "image/jpeg",
                           [file = *file, size](size_t offset, size_t length, httplib::DataSink& sink) {
                             std::vector<char> buffer(std::min({length, slice_bytes, size - offset}));
                             int64_t got = read_at(*file, offset, buffer.data(), buffer.size());
                             // Shorter than when the length was fixed: end the connection.
                             return got > 0 && sink.write(buffer.data(), static_cast<size_t>(got));
                           });
}

} // namespace vs::api
