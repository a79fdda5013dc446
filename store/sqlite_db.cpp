#include "store/sqlite_db.hpp"

#include <sqlite3.h>

#include <utility>

namespace vs::store {

expected<sqlite_db> sqlite_db::open(const std::string& path) {
  sqlite3* db = nullptr;
  // NOMUTEX: the owner serialises every call; FULLMUTEX would only add a lock.
  int code = sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                             nullptr);
  if (code != SQLITE_OK) {
    std::string why = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(code);
    sqlite3_close(db);
    return make_error(errc::io_error, "cannot open " + path + ": " + why);
  }
  sqlite3_extended_result_codes(db, 1);
  return sqlite_db(db, path);
}

sqlite_db::sqlite_db(sqlite_db&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), path_(std::move(other.path_)) {}

sqlite_db& sqlite_db::operator=(sqlite_db&& other) noexcept {
  if (this != &other) {
    sqlite3_close(db_);
    db_ = std::exchange(other.db_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

sqlite_db::~sqlite_db() {
  // Every statement is finalised by its own destructor first (they never
  // outlive the job_store that owns both), so close cannot be left busy.
  sqlite3_close(db_);
}

error sqlite_db::last_error(const std::string& doing) const {
  return make_error(errc::io_error, path_ + ": " + doing + ": " + sqlite3_errmsg(db_));
}

int sqlite_db::last_code() const { return sqlite3_extended_errcode(db_); }

status sqlite_db::exec(const std::string& sql, const std::string& doing) {
  if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, nullptr) != SQLITE_OK)
    return last_error(doing);
  return {};
}

expected<sqlite_statement> sqlite_db::prepare(const std::string& sql, const std::string& doing) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db_, sql.c_str(), static_cast<int>(sql.size()), &statement, nullptr) != SQLITE_OK)
    return last_error(doing);
  return sqlite_statement(*this, statement, doing);
}

void sqlite_db::set_busy_timeout(int milliseconds) { sqlite3_busy_timeout(db_, milliseconds); }

sqlite_statement::sqlite_statement(sqlite_statement&& other) noexcept
    : db_(other.db_), statement_(std::exchange(other.statement_, nullptr)), doing_(std::move(other.doing_)),
      bind_failure_(other.bind_failure_) {}

sqlite_statement& sqlite_statement::operator=(sqlite_statement&& other) noexcept {
  if (this != &other) {
    sqlite3_finalize(statement_);
    db_ = other.db_;
    statement_ = std::exchange(other.statement_, nullptr);
    doing_ = std::move(other.doing_);
    bind_failure_ = other.bind_failure_;
  }
  return *this;
}

sqlite_statement::~sqlite_statement() { sqlite3_finalize(statement_); }

void sqlite_statement::note_bind(int code) {
  if (code != SQLITE_OK && bind_failure_ == SQLITE_OK)
    bind_failure_ = code;
}

sqlite_statement& sqlite_statement::bind(int index, int64_t value) {
  note_bind(sqlite3_bind_int64(statement_, index, value));
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, double value) {
  note_bind(sqlite3_bind_double(statement_, index, value));
  return *this;
}

sqlite_statement& sqlite_statement::bind(int index, const std::string& value) {
  note_bind(sqlite3_bind_text64(statement_, index, value.data(), value.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

sqlite_statement& sqlite_statement::bind_null(int index) {
  note_bind(sqlite3_bind_null(statement_, index));
  return *this;
}

expected<bool> sqlite_statement::step() {
  if (bind_failure_ != SQLITE_OK)
    return make_error(errc::io_error, db_->path() + ": " + doing_ + ": " + sqlite3_errstr(bind_failure_));
  switch (sqlite3_step(statement_)) {
    case SQLITE_ROW: return true;
    case SQLITE_DONE: return false;
    default: return db_->last_error(doing_);
  }
}

expected<int64_t> sqlite_statement::run() {
  for (;;) {
    auto row = step();
    if (!row)
      return row.error();
    if (!*row)
      return static_cast<int64_t>(sqlite3_changes64(db_->db_));
  }
}

bool sqlite_statement::is_null(int column) const { return sqlite3_column_type(statement_, column) == SQLITE_NULL; }

int64_t sqlite_statement::integer(int column) const { return sqlite3_column_int64(statement_, column); }

double sqlite_statement::real(int column) const { return sqlite3_column_double(statement_, column); }

std::string sqlite_statement::text(int column) const {
  const auto* bytes = sqlite3_column_text(statement_, column);
  if (bytes == nullptr)
    return {};
  return std::string(reinterpret_cast<const char*>(bytes), static_cast<size_t>(sqlite3_column_bytes(statement_, column)));
}

expected<sqlite_transaction> sqlite_transaction::begin(sqlite_db& db, const std::string& doing) {
  if (auto begun = db.exec("BEGIN IMMEDIATE", doing); !begun)
    return begun.error();
  return sqlite_transaction(db, doing);
}

sqlite_transaction::sqlite_transaction(sqlite_transaction&& other) noexcept
    : db_(std::exchange(other.db_, nullptr)), doing_(std::move(other.doing_)) {}

sqlite_transaction::~sqlite_transaction() {
  if (db_ != nullptr)
    db_->exec("ROLLBACK", doing_);
}

status sqlite_transaction::commit() {
  auto committed = db_->exec("COMMIT", doing_);
  if (committed)
    db_ = nullptr;
  return committed;
}

} // namespace vs::store
