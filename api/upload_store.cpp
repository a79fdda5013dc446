#include "api/upload_store.hpp"

#include "jobs/job_time.hpp"
#include "jobs/upload_folder.hpp"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <set>
#include <sys/stat.h>
#include <unistd.h>

namespace vs::api {

namespace fs = std::filesystem;

namespace {

/// A temporary file this long without a write belongs to an upload that
/// died (a live one writes every few seconds even at the slowest rate the
/// server accepts).
constexpr int64_t stale_temp_ms = 3600 * 1000;

/// The sweep renames what it removes to this first (see collect).
constexpr const char* sweep_prefix = ".sweep-";

/// The modification time in Unix epoch milliseconds; -1 if `path` is gone.
int64_t modified_ms(const fs::path& path) {
  struct stat info {};
  if (::lstat(path.c_str(), &info) != 0)
    return -1;
  return static_cast<int64_t>(info.st_mtim.tv_sec) * 1000 + info.st_mtim.tv_nsec / 1'000'000;
}

/// fsync of the folder: a rename in it survives a crash.
void sync_folder(const fs::path& folder) {
  int descriptor = ::open(folder.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (descriptor >= 0) {
    ::fsync(descriptor);
    ::close(descriptor);
  }
}

} // namespace

upload_store::upload_store(fs::path folder, std::chrono::seconds max_age, media::render_limits limits)
    : folder_(std::move(folder)), max_age_(max_age), limits_(std::move(limits)) {}

status upload_store::prepare() {
  std::error_code ec;
  fs::create_directories(folder_, ec);
  if (ec)
    return make_error(errc::io_error, "cannot create the uploads folder " + folder_.string() + ": " + ec.message());
  return {};
}

expected<media::input_identity> upload_store::identify(const upload_file& file, const std::string& name) const {
  if (file.size() == 0)
    return make_error(errc::input_invalid, "file " + name + " is empty");
  return media::identify_input(file.temp_path().string(), name,
                               media::root_folders(std::vector<std::string>{folder_.string()}), limits_);
}

expected<upload_info> upload_store::commit(upload_file& file, const media::input_identity& identity) {
  upload_info info;
  info.sha256 = file.sha256();
  info.id = file.sha256() + "." + identity.extension;
  info.path = (folder_ / info.id).string();
  info.size = file.size();
  info.identity = identity;
  {
    // Replacing stored bytes with the same bytes: the file is young again
    // (its modification time is the new one's), and a render reading the
    // old one keeps its descriptor.
    std::lock_guard<std::mutex> guard(mutex_);
    if (::rename(file.temp_path().c_str(), info.path.c_str()) != 0)
      return make_error(errc::io_error, "cannot store upload " + info.id + ": " + std::strerror(errno));
    file.release();
  }
  sync_folder(folder_);
  info.modified_at_ms = modified_ms(info.path);
  return info;
}

expected<upload_info> upload_store::find(const std::string& id) const {
  auto missing = [&] { return make_error(errc::not_found, "no upload " + id); };
  if (!jobs::is_upload_id(id))
    return missing();
  const fs::path path = folder_ / id;
  int64_t modified = modified_ms(path);
  if (modified < 0)
    return missing();
  auto identity =
      media::identify_input(path.string(), id, media::root_folders(std::vector<std::string>{folder_.string()}), limits_);
  if (!identity)
    return identity.error().code == errc::input_missing ? missing() : identity.error();
  upload_info info;
  info.id = id;
  info.path = path.string();
  info.sha256 = id.substr(0, 64);
  std::error_code ec;
  info.size = fs::file_size(path, ec);
  info.identity = *identity;
  info.modified_at_ms = modified;
  return info;
}

expected<std::string> upload_store::submit(media::render_spec spec, jobs::job_service& jobs) {
  std::vector<std::string> used = jobs::uploads_used_by(spec, folder_);
  if (!used.empty()) {
    std::lock_guard<std::mutex> guard(mutex_);
    auto gone = jobs::touch_files(used);
    if (!gone.empty())
      return make_error(errc::input_invalid, "upload " + fs::path(gone.front()).filename().string() +
                                                 " was removed while the job was being submitted; upload it again");
  }
  auto id = jobs.submit(std::move(spec));
  if (id && !used.empty()) {
    std::lock_guard<std::mutex> guard(mutex_);
    jobs_using_[*id] = std::move(used);
  }
  return id;
}

std::vector<std::string> upload_store::live_uploads(jobs::job_service& jobs) {
  std::map<std::string, std::vector<std::string>> registered;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    registered = jobs_using_;
  }
  std::vector<std::string> live;
  std::vector<std::string> ended;
  for (const auto& [id, paths] : registered) {
    auto job = jobs.find(id);
    // Not known to have ended (the lookup failed: Redis down, stopping): still in use.
    bool ended_now = job ? is_final(job->state) : job.error().code == errc::not_found;
    if (ended_now)
      ended.push_back(id);
    else
      live.insert(live.end(), paths.begin(), paths.end());
  }
  std::lock_guard<std::mutex> guard(mutex_);
  for (const auto& id : ended)
    jobs_using_.erase(id);
  return live;
}

bool upload_store::collect(const fs::path& path, int64_t oldest_kept_ms) {
  // Another worker sharing the folder may store the same bytes again
  // between the age check and the removal: the file is renamed aside first
  // and its age read again on what was renamed; a young one goes back.
  const fs::path aside = folder_ / (sweep_prefix + jobs::random_file_suffix());
  if (::rename(path.c_str(), aside.c_str()) != 0)
    return false;
  int64_t modified = modified_ms(aside);
  if (modified >= 0 && modified >= oldest_kept_ms) {
    if (::link(aside.c_str(), path.c_str()) != 0 && errno != EEXIST)
      spdlog::warn("uploads: cannot put back {}: {}", path.string(), std::strerror(errno));
    ::unlink(aside.c_str());
    return false;
  }
  return ::unlink(aside.c_str()) == 0;
}

sweep_counts upload_store::sweep(jobs::job_service& jobs) {
  sweep_counts counts;
  std::vector<std::string> live_list = live_uploads(jobs);
  std::set<std::string> live(live_list.begin(), live_list.end());
  const int64_t now = jobs::now_ms();
  const int64_t oldest_kept = now - static_cast<int64_t>(max_age_.count()) * 1000;
  std::error_code ec;
  for (fs::directory_iterator it(folder_, ec), end; !ec && it != end; it.increment(ec)) {
    const fs::path path = it->path();
    const std::string name = path.filename().string();
    if (jobs::is_upload_id(name)) {
      std::lock_guard<std::mutex> guard(mutex_);
      int64_t modified = modified_ms(path);
      if (modified < 0 || modified >= oldest_kept)
        continue;
      if (live.count(path.string()) > 0)
        ++counts.kept_in_use;
      else if (collect(path, oldest_kept))
        ++counts.removed;
    } else if (name.rfind(upload_file::temp_prefix, 0) == 0 || name.rfind(sweep_prefix, 0) == 0) {
      int64_t modified = modified_ms(path);
      if (modified >= 0 && modified < now - stale_temp_ms && ::unlink(path.c_str()) == 0)
        ++counts.stale_temps;
    }
  }
  if (counts.removed > 0 || counts.stale_temps > 0)
    spdlog::info("uploads: removed {} unused for {} h and {} left by failed uploads; {} old ones kept for live jobs",
                 counts.removed, max_age_.count() / 3600.0, counts.stale_temps, counts.kept_in_use);
  return counts;
}

upload_sweeper::upload_sweeper(upload_store& store, jobs::job_service& jobs, std::chrono::milliseconds interval) {
  thread_ = std::thread([this, &store, &jobs, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stopping_) {
      lock.unlock();
      try {
        store.sweep(jobs);
      } catch (const std::exception& e) {
        spdlog::warn("uploads: the sweep failed: {}", e.what());
      }
      lock.lock();
      wake_.wait_for(lock, interval, [this] { return stopping_; });
    }
  });
}

upload_sweeper::~upload_sweeper() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

} // namespace vs::api
