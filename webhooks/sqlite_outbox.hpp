#pragma once
/// The outbox of a standalone service: a table in an SQLite file of its own
/// beside the job store (jobs-webhooks.sqlite beside jobs.sqlite), so a
/// delivery waiting for its next attempt survives a restart, a SIGKILL or
/// a crash, as the job it reports does. The file is owned like the job store
/// (store/sqlite_file): one process, WAL, synchronous=NORMAL.
///
/// A claim's lease is a due time in the table: an attempt the process died
/// in the middle of is taken up again once its lease ends, by the next run
/// (at least once, as with Redis; receivers de-duplicate on the delivery id).
/// Finished deliveries stay visible for `keep_finished`, at most
/// `max_finished` of them. Thread-safe: one connection behind a mutex.

#include "webhooks/webhook_outbox.hpp"

#include <chrono>
#include <memory>
#include <mutex>
#include <random>

namespace vs::store {
class sqlite_db;
}

namespace vs::webhooks {

class sqlite_outbox final : public webhook_outbox {
public:
  /// Opens or creates the outbox at `path`: errc::io_error naming it when it
  /// cannot (store/sqlite_file).
  static expected<std::shared_ptr<sqlite_outbox>> open(const std::string& path, std::chrono::seconds keep_finished,
                                                       int64_t max_finished = 10000);
  ~sqlite_outbox() override;

  status add(const delivery_record& delivery) override;
  expected<claim_result> claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) override;
  expected<bool> settle(const claimed_delivery& claim, const delivery_record& updated) override;
  expected<std::optional<delivery_record>> latest_for_job(const std::string& job_id) override;

private:
  sqlite_outbox(std::unique_ptr<store::sqlite_db> db, std::chrono::seconds keep_finished, int64_t max_finished);
  /// Drops finished deliveries past keep_finished_ or beyond max_finished_.
  status forget_old_finished(int64_t now_ms);

  std::mutex mutex_;
  std::unique_ptr<store::sqlite_db> db_;
  std::chrono::seconds keep_finished_;
  int64_t max_finished_;
  std::mt19937_64 token_source_;
};

/// Where the standalone outbox lives: beside the job store, its name with
/// "-webhooks" after the stem (/data/jobs.sqlite -> /data/jobs-webhooks.sqlite).
std::string outbox_path_beside(const std::string& job_store_path);

} // namespace vs::webhooks
