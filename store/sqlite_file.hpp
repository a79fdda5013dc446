#pragma once
/// An SQLite file that one process owns for its life: the job store, the
/// standalone webhook outbox. Opening it makes its folder, takes an
/// exclusive lock (a second process on the file fails to start instead of
/// doing the same work twice), switches to write-ahead logging, checks the
/// pages and brings the schema up to date, one migration per transaction.
/// Every error names the file, the setting that places it and what to do.

#include "store/sqlite_db.hpp"
#include "media/error.hpp"

#include <chrono>
#include <string>
#include <vector>

namespace vs::store {

struct owned_file {
  std::string path;
  std::string kind;         ///< "job store": errors say "the job store {path} ({setting})"
  std::string setting;      ///< the setting that places the file (JOB_STORE_PATH)
  std::string fresh_start;  ///< the way out for an unreadable file ("move it aside to start with an empty job history")
  /// Entry i takes the file from schema version i to i + 1 (PRAGMA
  /// user_version). Add a migration at the end; never edit one.
  std::vector<const char*> migrations;
  std::chrono::milliseconds busy_timeout{2000};
  bool flush_every_commit = false;  ///< synchronous=FULL instead of NORMAL

  /// "the job store /x/jobs.sqlite (JOB_STORE_PATH)"
  std::string label() const { return "the " + kind + " " + path + " (" + setting + ")"; }
};

/// Opens, locks, checks and migrates `file`; errc::io_error naming it when
/// it cannot be made, is no SQLite database, is damaged, of a newer schema,
/// another program's database or locked by another process.
expected<sqlite_db> open_owned_file(const owned_file& file);

/// What an operator needs to hear about a statement SQLite refused on `file`.
error unusable(const sqlite_db& db, const owned_file& file, const std::string& doing);

/// The first column of the first row of `sql` ("" when there is none).
expected<std::string> single_text(sqlite_db& db, const owned_file& file, const std::string& sql,
                                  const std::string& doing);

} // namespace vs::store
