#pragma once
/// The one file a video download may read: a regular file inside the video
/// folder, checked on the descriptor actually opened (media::confined_file),
/// whatever a job's or a Redis task's `result_ref` claims.

#include "jobs/job_service.hpp"
#include "media/confined_file.hpp"
#include "media/error.hpp"

#include <cstdint>
#include <memory>
#include <string>

namespace vs::api {

/// Opens `path` (a relative path is taken inside `folder`) if it resolves to
/// a regular, non-empty file inside `folder`. `what` names it in errors ("the
/// video of job 42"); the messages never say what lies outside the folder.
/// errc::not_found if it or the folder does not exist, errc::forbidden_path
/// if it resolves outside `folder` or is not a regular file.
expected<std::shared_ptr<const media::confined_file>> open_video_file(const std::string& folder,
                                                                      const std::string& path,
                                                                      const std::string& what);

/// The result of job `id` if it finished with success; errc::conflict
/// naming its state otherwise (there is nothing to download yet, or ever).
/// `what` names the download in that message ("video", "poster").
expected<jobs::job_snapshot> finished_job(jobs::job_service& jobs, const std::string& id, const std::string& what);

/// Reads up to `length` bytes at `offset` (pread: no shared file position).
/// Returns the count read, 0 at the end, -1 on error.
int64_t read_at(const media::confined_file& file, uint64_t offset, char* into, size_t length);

} // namespace vs::api
