#pragma once
/// A thin RAII layer over the SQLite C API: a connection, prepared
/// statements and transactions, with errors as values that name the
/// database file and what was being done. Not thread-safe: one owner
/// (job_store holds it under a mutex).

#include "media/error.hpp"

#include <cstdint>
#include <memory>
#include <string>

struct sqlite3;
struct sqlite3_stmt;

namespace vs::store {

class sqlite_statement;

class sqlite_db {
public:
  /// Opens (creating if missing) the database file at `path`, read-write.
  /// SQLite reads the file lazily: a file that is no database is only
  /// noticed by the first statement.
  static expected<sqlite_db> open(const std::string& path);

  sqlite_db(sqlite_db&& other) noexcept;
  sqlite_db& operator=(sqlite_db&& other) noexcept;
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;
  ~sqlite_db();

  const std::string& path() const { return path_; }

  /// Runs one or more statements that return no rows.
  status exec(const std::string& sql, const std::string& doing);
  expected<sqlite_statement> prepare(const std::string& sql, const std::string& doing);
  /// Waits up to `milliseconds` for a lock another connection holds.
  void set_busy_timeout(int milliseconds);

  /// The connection's last error as a vs::error: errc::io_error, with a
  /// message naming the file, `doing` and SQLite's own words.
  error last_error(const std::string& doing) const;
  /// SQLite's extended result code of the last call.
  int last_code() const;

private:
  sqlite_db(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  sqlite3* db_ = nullptr;
  std::string path_;
  friend class sqlite_statement;
};

/// A prepared statement. Binds collect their first failure, which step()
/// reports, so a statement is bound without a check per parameter.
class sqlite_statement {
public:
  sqlite_statement(sqlite_statement&& other) noexcept;
  sqlite_statement& operator=(sqlite_statement&& other) noexcept;
  sqlite_statement(const sqlite_statement&) = delete;
  sqlite_statement& operator=(const sqlite_statement&) = delete;
  ~sqlite_statement();

  /// Parameters count from 1, as in SQL's ?1.
  sqlite_statement& bind(int index, int64_t value);
  sqlite_statement& bind(int index, double value);
  sqlite_statement& bind(int index, const std::string& value);
  sqlite_statement& bind_null(int index);

  /// Advances: true with a row to read, false once done.
  expected<bool> step();
  /// Steps to the end (an INSERT, UPDATE or DELETE); the rows it changed.
  expected<int64_t> run();
  /// Steps through every row, calling `on_row()` at each (it reads the
  /// columns through this statement); stops at the first error it returns.
  template <class OnRow>
  status for_each_row(OnRow on_row) {
    for (;;) {
      auto row = step();
      if (!row)
        return row.error();
      if (!*row)
        return {};
      if (status done = on_row(); !done)
        return done;
    }
  }

  /// Columns count from 0.
  bool is_null(int column) const;
  int64_t integer(int column) const;
  double real(int column) const;
  std::string text(int column) const;

private:
  sqlite_statement(sqlite_db& db, sqlite3_stmt* statement, std::string doing)
      : db_(&db), statement_(statement), doing_(std::move(doing)) {}
  void note_bind(int code);

  sqlite_db* db_ = nullptr;
  sqlite3_stmt* statement_ = nullptr;
  std::string doing_;
  int bind_failure_ = 0;
  friend class sqlite_db;
};

/// BEGIN IMMEDIATE … COMMIT; rolled back if destroyed uncommitted (an
/// error return on the way).
class sqlite_transaction {
public:
  static expected<sqlite_transaction> begin(sqlite_db& db, const std::string& doing);
  sqlite_transaction(sqlite_transaction&& other) noexcept;
  sqlite_transaction& operator=(sqlite_transaction&&) = delete;
  sqlite_transaction(const sqlite_transaction&) = delete;
  sqlite_transaction& operator=(const sqlite_transaction&) = delete;
  ~sqlite_transaction();

  status commit();

private:
  sqlite_transaction(sqlite_db& db, std::string doing) : db_(&db), doing_(std::move(doing)) {}
  sqlite_db* db_ = nullptr;
  std::string doing_;
};

} // namespace vs::store
