#pragma once
/// GET (and HEAD) /jobs/{id}/video: a finished job's MP4, streamed from
/// disk, with byte ranges per RFC 9110 §14 (api/http_range.hpp). Whatever a
/// job or task hash says its video is, only a regular file inside the video
/// folder is ever served (api/confined_file.hpp). Internal to api/.

#include "api/job_service.hpp"

#include <httplib.h>

#include <string>

namespace vs::api {

/// `video_folder` is OUTPUT_DIR/video.
void serve_video(const httplib::Request& req, httplib::Response& res, job_service& jobs,
                 const std::string& video_folder);

} // namespace vs::api
