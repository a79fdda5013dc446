#pragma once
/// GET /jobs/{id}/poster: a finished job's poster JPEG, with byte ranges
/// (api/http_video's send_file). Like the video, only
/// a regular file inside the video folder is ever served (api/video_file),
/// whatever the job or its task hash says its poster is. Internal to api/.

#include "jobs/job_service.hpp"

#include <httplib.h>

#include <string>

namespace vs::api {

/// `video_folder` is OUTPUT_DIR/video.
void serve_poster(const httplib::Request& req, httplib::Response& res, jobs::job_service& jobs,
                  const std::string& video_folder);

} // namespace vs::api
