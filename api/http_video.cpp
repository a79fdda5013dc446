#include "api/http_video.hpp"

#include "api/byte_range_body.hpp"
#include "api/http_range.hpp"
#include "api/http_reply.hpp"
#include "api/video_file.hpp"

#include <algorithm>
#include <memory>
#include <vector>

namespace vs::api {

namespace {

constexpr const char* video_type = "video/mp4";
constexpr size_t slice_bytes = 64 * 1024;

/// What to send for the Range header of `req`.
range_plan plan_for(const httplib::Request& req, uint64_t size) {
  // Several Range fields make no valid header; If-Range can only match a
  // validator we sent, and we send none (no ETag, no Last-Modified), so
  // RFC 9110 §13.1.5 says the Range field must be ignored then.
  if (req.get_header_value_count("Range") != 1 || req.has_header("If-Range"))
    return {};
  return plan_ranges(req.get_header_value("Range"), size);
}

/// Writes the bytes of `pieces` from `offset` on (at most one slice).
bool write_pieces(const media::confined_file& file, const std::vector<body_piece>& pieces, uint64_t offset,
                  uint64_t length, httplib::DataSink& sink) {
  for (const auto& piece : pieces) {
    if (offset >= piece.length()) {
      offset -= piece.length();
      continue;
    }
    size_t count = static_cast<size_t>(std::min<uint64_t>({piece.length() - offset, length, slice_bytes}));
    if (piece.file_length == 0)
      return sink.write(piece.text.data() + offset, count);
    std::vector<char> buffer(count);
    int64_t got = read_at(file, piece.file_offset + offset, buffer.data(), count);
    // Shorter than it was when the answer's length was fixed: end the
    // connection rather than send a body of the wrong length.
    if (got <= 0)
      return false;
    return sink.write(buffer.data(), static_cast<size_t>(got));
  }
  return false;
}

void stream_body(httplib::Response& res, std::shared_ptr<const media::confined_file> file, range_body body) {
  if (body.length == 0) {
    res.set_content("", body.content_type);
    return;
  }
  res.set_content_provider(
      static_cast<size_t>(body.length), body.content_type,
      [file = std::move(file), pieces = std::move(body.pieces)](size_t offset, size_t length, httplib::DataSink& sink) {
        return write_pieces(*file, pieces, offset, length, sink);
      });
}

} // namespace

void send_file(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const media::confined_file> file,
               const std::string& content_type, const std::string& what) {
  const auto size = static_cast<uint64_t>(file->size());
  res.set_header("Accept-Ranges", "bytes");
  range_plan plan = plan_for(req, size);
  switch (plan.outcome) {
    case range_outcome::unsatisfiable:
      res.set_header("Content-Range", "bytes */" + std::to_string(size));
      return send_error(res,
                        make_error(errc::invalid_argument, "the requested range is not satisfiable: " + what +
                                                               " has " + std::to_string(size) + " bytes"),
                        416);
    case range_outcome::full:
      res.status = 200;
      if (size == 0)
        return stream_body(res, std::move(file), range_body{content_type, {}, 0});
      return stream_body(res, std::move(file), make_range_body({{0, size - 1}}, size, content_type, ""));
    case range_outcome::partial:
      res.status = 206;
      if (plan.ranges.size() == 1)
        res.set_header("Content-Range", content_range(plan.ranges.front(), size));
      return stream_body(res, std::move(file), make_range_body(plan.ranges, size, content_type, random_boundary()));
  }
}

void serve_video(const httplib::Request& req, httplib::Response& res, jobs::job_service& jobs,
                 const std::string& video_folder) {
  auto job = finished_job(jobs, req.matches[1], "video");
  if (!job)
    return send_error(res, job.error());
  const std::string what = "the video of job " + job->id;
  auto file = open_video_file(video_folder, job->result->video_path, what);
  if (!file)
    return send_error(res, file.error());
  send_file(req, res, std::move(*file), video_type, what);
}

} // namespace vs::api
