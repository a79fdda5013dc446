#pragma once
/// GET (and HEAD) /jobs/{id}/video: a finished job's MP4, streamed from
/// disk, with byte ranges per RFC 9110 §14 (api/http_range.hpp). Whatever a
/// job or task hash says its video is, only a regular file inside the video
/// folder is ever served (api/confined_file.hpp). Internal to api/.

#include "jobs/job_service.hpp"
#include "media/confined_file.hpp"

#include <httplib.h>

#include <memory>
#include <string>

namespace vs::api {

/// Answers `req` with `file` (whole, or the byte ranges asked for) as
/// `content_type`; `what` names it in errors ("the poster of job 42").
void send_file(const httplib::Request& req, httplib::Response& res, std::shared_ptr<const media::confined_file> file,
               const std::string& content_type, const std::string& what);

/// `video_folder` is OUTPUT_DIR/video.
void serve_video(const httplib::Request& req, httplib::Response& res, jobs::job_service& jobs,
                 const std::string& video_folder);

} // namespace vs::api
