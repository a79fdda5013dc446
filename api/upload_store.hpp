#pragma once
/// The uploads folder (OUTPUT_DIR/uploads) as a content-addressed store:
/// each stored file is named by the SHA-256 of its bytes and an extension
/// from its detected type, so the same content uploaded twice is one file.
/// A file is stored only once it is known, by its content, to be audio or an
/// image a render can use (media/input_identity); it is written to a
/// temporary file, fsynced and renamed into place, so a name never shows
/// partial or other bytes.
///
/// The store also collects: an upload whose modification time is older
/// than max_age and that no live job submitted here uses is removed
/// (jobs/upload_folder states the rule), and temporary files left by a
/// crashed upload are removed after an hour without a write.

#include "jobs/job_service.hpp"
#include "api/upload_file.hpp"
#include "media/input_identity.hpp"
#include "media/render_spec.hpp"

#include <chrono>
#include <condition_variable>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace vs::api {

struct upload_info {
  std::string id;          ///< sha256 + "." + extension
  std::string path;        ///< absolute, inside the uploads folder
  uint64_t size = 0;
  std::string sha256;
  media::input_identity identity;
  int64_t modified_at_ms = 0;  ///< Unix epoch milliseconds; the age the sweep goes by
};

struct sweep_counts {
  int removed = 0;        ///< uploads collected
  int kept_in_use = 0;    ///< old uploads kept because a live job uses them
  int stale_temps = 0;    ///< temporary files of failed uploads removed
};

class upload_store {
public:
  /// `folder` must exist (prepare() makes it). `limits` are the ones jobs
  /// are checked against, so a stored upload passes a job's checks too.
  upload_store(std::filesystem::path folder, std::chrono::seconds max_age, media::render_limits limits = {});

  /// Makes the folder; errc::io_error naming it if that fails.
  status prepare();
  const std::filesystem::path& folder() const { return folder_; }
  std::chrono::seconds max_age() const { return max_age_; }

  /// A temporary file to receive an upload into.
  expected<std::unique_ptr<upload_file>> begin() const { return upload_file::create(folder_); }

  /// What a finished upload is, by content; `name` names it in errors.
  expected<media::input_identity> identify(const upload_file& file, const std::string& name) const;

  /// Renames the identified upload to its content address (replacing the
  /// same bytes if they were stored already: one file, young again).
  expected<upload_info> commit(upload_file& file, const media::input_identity& identity);

  /// A stored upload by id; errc::not_found if there is none.
  expected<upload_info> find(const std::string& id) const;

  /// Queues `spec` on `jobs` after setting the modification time of the
  /// uploads it uses to now; they count as in use until the job ends.
  /// errc::input_invalid if one of them was collected meanwhile.
  expected<std::string> submit(media::render_spec spec, jobs::job_service& jobs);

  /// One collection pass (see the file comment); `jobs` tells which of the
  /// jobs submitted here are still queued or processing.
  sweep_counts sweep(jobs::job_service& jobs);

private:
  /// The uploads of jobs submitted here that are still queued or processing.
  std::vector<std::string> live_uploads(jobs::job_service& jobs);
  /// Removes `path` unless its modification time turns out to be recent.
  bool collect(const std::filesystem::path& path, int64_t oldest_kept_ms);

  std::filesystem::path folder_;
  std::chrono::seconds max_age_;
  media::render_limits limits_;
  /// Held while an upload's age is read and acted on: touching it for a job
  /// and the sweep's check-then-remove never interleave in this process.
  std::mutex mutex_;
  std::map<std::string, std::vector<std::string>> jobs_using_;  ///< job id -> its uploads
};

/// Runs upload_store::sweep at once and then every `interval` on its own
/// thread, until destroyed.
class upload_sweeper {
public:
  upload_sweeper(upload_store& store, jobs::job_service& jobs, std::chrono::milliseconds interval);
  ~upload_sweeper();
  upload_sweeper(const upload_sweeper&) = delete;
  upload_sweeper& operator=(const upload_sweeper&) = delete;

private:
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread thread_;
};

} // namespace vs::api
