#include "api/video_file.hpp"

#include <cerrno>
#include <filesystem>
#include <limits>
#include <unistd.h>

namespace vs::api {

namespace fs = std::filesystem;

expected<std::shared_ptr<const media::confined_file>> open_video_file(const std::string& folder,
                                                                      const std::string& path,
                                                                      const std::string& what) {
  std::error_code ec;
  const std::string real_folder = fs::canonical(folder, ec).string();
  if (ec)
    return make_error(errc::not_found, what + " is not available: the folder " + folder + " does not exist");
  fs::path target = fs::path(path).is_absolute() ? fs::path(path) : fs::path(real_folder) / path;
  auto opened = media::confined_file::open(target.string(), media::root_folders({real_folder}), what,
                                           std::numeric_limits<int64_t>::max());
  if (opened)
    return std::make_shared<const media::confined_file>(std::move(*opened));
  // media's messages name the path; a download answer says only what the
  // client may know: which job, and which folder videos come from.
  switch (opened.error().code) {
    case errc::input_missing: return make_error(errc::not_found, what + " is gone");
    case errc::forbidden_path: return make_error(errc::forbidden_path, what + " is not inside " + real_folder);
    default: return make_error(errc::forbidden_path, what + " is not a regular, non-empty file");
  }
}

expected<jobs::job_snapshot> finished_job(jobs::job_service& jobs, const std::string& id, const std::string& what) {
  auto job = jobs.find(id);
  if (!job)
    return job.error();
  if (job->state != jobs::job_state::success || !job->result)
    return make_error(errc::conflict, "job " + job->id + " has no " + what + " (it is " +
                                          std::string(to_string(job->state)) + ")");
  return job;
}

int64_t read_at(const media::confined_file& file, uint64_t offset, char* into, size_t length) {
  for (;;) {
    ssize_t count = ::pread(file.descriptor(), into, length, static_cast<off_t>(offset));
    if (count >= 0 || errno != EINTR)
      return count;
  }
}

} // namespace vs::api
