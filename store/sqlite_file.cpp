#include "store/sqlite_file.hpp"

#include <sqlite3.h>

#include <filesystem>

namespace vs::store {

namespace {

/// Takes the file for this process, in write-ahead-log mode.
status configure(sqlite_db& db, const owned_file& file) {
  // Before the first read: the lock, once taken, is kept until close, and
  // the WAL index lives in this process's memory (no -shm file to share).
  if (!db.exec("PRAGMA locking_mode = EXCLUSIVE", "setting the locking mode"))
    return unusable(db, file, "setting the locking mode");
  auto mode = single_text(db, file, "PRAGMA journal_mode = WAL", "switching to write-ahead logging");
  if (!mode)
    return mode.error();
  if (*mode != "wal")
    return make_error(errc::io_error, file.label() + " cannot use write-ahead logging (journal mode stays " + *mode + ")");
  if (!db.exec(file.flush_every_commit ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL",
               "setting synchronous"))
    return unusable(db, file, "setting synchronous");
  // Reading took a shared lock; a write takes the exclusive one, kept from now on.
  if (!db.exec("BEGIN EXCLUSIVE; COMMIT", "locking the file"))
    return unusable(db, file, "locking the file");
  return {};
}

/// A damaged page is refused at start-up, not discovered by a request later.
status check_integrity(sqlite_db& db, const owned_file& file) {
  const std::string doing = "checking the file";
  auto statement = db.prepare("PRAGMA quick_check(3)", doing);
  if (!statement)
    return unusable(db, file, doing);
  std::string problems;
  auto read = statement->for_each_row([&]() -> status {
    std::string line = statement->text(0);
    if (line != "ok")
      problems += (problems.empty() ? "" : "; ") + line;
    return {};
  });
  if (!read)
    return unusable(db, file, doing);
  if (!problems.empty())
    return make_error(errc::io_error, file.label() + " is damaged (" + problems + "): " + file.fresh_start +
                                        ", or restore a copy");
  return {};
}

/// Brings the schema to the last migration's version, one migration per transaction.
status migrate(sqlite_db& db, const owned_file& file) {
  const int latest = static_cast<int>(file.migrations.size());
  auto version_text = single_text(db, file, "PRAGMA user_version", "reading the schema version");
  if (!version_text)
    return version_text.error();
  int version = std::stoi(*version_text);
  if (version > latest)
    return make_error(errc::io_error, file.label() + " has schema version " + std::to_string(version) +
                                        ", written by a newer video-service; this one reads up to version " +
                                        std::to_string(latest));
  if (version == 0) {
    auto objects = single_text(db, file, "SELECT count(*) FROM sqlite_master", "reading the schema");
    if (!objects)
      return objects.error();
    if (*objects != "0")
      return make_error(errc::io_error, file.label() + " is an SQLite database of something else (tables, no " +
                                          file.kind + " schema version): choose another " + file.setting);
  }
  for (; version < latest; ++version) {
    const std::string doing = "migrating to schema version " + std::to_string(version + 1);
    auto transaction = sqlite_transaction::begin(db, doing);
    if (!transaction)
      return transaction.error();
    if (!db.exec(file.migrations[static_cast<size_t>(version)], doing) ||
        !db.exec("PRAGMA user_version = " + std::to_string(version + 1), doing))
      return unusable(db, file, doing);
    if (auto committed = transaction->commit(); !committed)
      return committed.error();
  }
  return {};
}

} // namespace

error unusable(const sqlite_db& db, const owned_file& file, const std::string& doing) {
  const std::string said = db.last_error(doing).message.substr(db.path().size() + 2);
  switch (db.last_code() & 0xff) {
    case SQLITE_NOTADB:
      return make_error(errc::io_error, file.label() + " is not an SQLite database (" + said + "): " + file.fresh_start);
    case SQLITE_CORRUPT:
      return make_error(errc::io_error, file.label() + " is damaged (" + said + "): " + file.fresh_start +
                                          ", or restore a copy");
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return make_error(errc::io_error, file.label() +
                                          " is in use by another process (another video-service serve on the same "
                                          "OUTPUT_DIR?): " + said);
    default: return make_error(errc::io_error, file.label() + " cannot be used: " + said);
  }
}

expected<std::string> single_text(sqlite_db& db, const owned_file& file, const std::string& sql,
                                  const std::string& doing) {
  auto statement = db.prepare(sql, doing);
  if (!statement)
    return unusable(db, file, doing);
  auto row = statement->step();
  if (!row)
    return unusable(db, file, doing);
  return *row ? statement->text(0) : std::string();
}

expected<sqlite_db> open_owned_file(const owned_file& file) {
  std::error_code ec;
  auto folder = std::filesystem::path(file.path).parent_path();
  if (!folder.empty())
    std::filesystem::create_directories(folder, ec);
  if (ec)
    return make_error(errc::io_error, file.label() + " cannot be made: " + ec.message());
  auto db = sqlite_db::open(file.path);
  if (!db)
    return make_error(errc::io_error, file.label() + " cannot be opened: " +
                                        db.error().message.substr(("cannot open " + file.path + ": ").size()));
  db->set_busy_timeout(static_cast<int>(file.busy_timeout.count()));
  if (auto configured = configure(*db, file); !configured)
    return configured.error();
  if (auto checked = check_integrity(*db, file); !checked)
    return checked.error();
  if (auto migrated = migrate(*db, file); !migrated)
    return migrated.error();
  return db;
}

} // namespace vs::store
