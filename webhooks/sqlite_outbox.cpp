#include "webhooks/sqlite_outbox.hpp"

#include "jobs/job_time.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_file.hpp"

#include <filesystem>

namespace vs::webhooks {

namespace {

/// The schema, one entry per version (store/sqlite_file). `due_ms` is when
/// a pending delivery may next be claimed: its next attempt, or the end of
/// the current claim's lease; `token` names that claim ('' unclaimed).
const char* const migrations[] = {
  R"sql(
    CREATE TABLE deliveries (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      job_id TEXT NOT NULL,
      url TEXT NOT NULL,
      event TEXT NOT NULL,
      body TEXT NOT NULL,
      created_ms INTEGER NOT NULL,
      deadline_ms INTEGER NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('pending', 'delivered', 'failed')),
      attempts TEXT NOT NULL,
      attempt_count INTEGER NOT NULL,
      next_attempt_ms INTEGER NOT NULL,
      due_ms INTEGER NOT NULL,
      token TEXT NOT NULL DEFAULT '',
      settled_ms INTEGER NOT NULL DEFAULT 0
    );
    CREATE INDEX deliveries_due ON deliveries (due_ms, seq) WHERE state = 'pending';
    CREATE INDEX deliveries_by_job ON deliveries (job_id, seq);
    CREATE INDEX deliveries_settled ON deliveries (settled_ms) WHERE state != 'pending';
  )sql",
};

/// The columns read_record reads, in its order.
constexpr const char* record_columns =
  "id, job_id, url, event, created_ms, deadline_ms, state, attempts, attempt_count, next_attempt_ms";

delivery_record read_record(const store::sqlite_statement& row) {
  delivery_record record;
  record.id = row.text(0);
  record.job_id = row.text(1);
  record.url = row.text(2);
  record.event = row.text(3);
  record.created_ms = row.integer(4);
  record.deadline_ms = row.integer(5);
  record.state = row.text(6);
  record.attempts = attempts_from_json(row.text(7));
  record.attempt_count = row.integer(8);
  record.next_attempt_ms = row.integer(9);
  return record;
}

} // namespace

std::string outbox_path_beside(const std::string& job_store_path) {
  std::filesystem::path store(job_store_path);
  return (store.parent_path() / (store.stem().string() + "-webhooks" + store.extension().string())).string();
}

expected<std::shared_ptr<sqlite_outbox>> sqlite_outbox::open(const std::string& path,
                                                             std::chrono::seconds keep_finished, int64_t max_finished) {
  store::owned_file file;
  file.path = path;
  file.kind = "webhook outbox";
  file.setting = "JOB_STORE_PATH";  // which places it
  file.fresh_start = "move it aside to start with no pending webhooks";
  file.migrations.assign(std::begin(migrations), std::end(migrations));
  auto db = store::open_owned_file(file);
  if (!db)
    return db.error();
  return std::shared_ptr<sqlite_outbox>(
    new sqlite_outbox(std::make_unique<store::sqlite_db>(std::move(*db)), keep_finished, max_finished));
}

sqlite_outbox::sqlite_outbox(std::unique_ptr<store::sqlite_db> db, std::chrono::seconds keep_finished,
                             int64_t max_finished)
    : db_(std::move(db)), keep_finished_(keep_finished), max_finished_(max_finished),
      token_source_(std::random_device{}()) {}

sqlite_outbox::~sqlite_outbox() = default;

status sqlite_outbox::add(const delivery_record& delivery) {
  std::lock_guard<std::mutex> guard(mutex_);
  const std::string doing = "adding webhook delivery " + delivery.id;
  auto insert = db_->prepare(
    "INSERT OR IGNORE INTO deliveries (id, job_id, url, event, body, created_ms, deadline_ms, state, attempts, "
    "attempt_count, next_attempt_ms, due_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?11)",
    doing);
  if (!insert)
    return insert.error();
  insert->bind(1, delivery.id).bind(2, delivery.job_id).bind(3, delivery.url).bind(4, delivery.event);
  insert->bind(5, delivery.body).bind(6, delivery.created_ms).bind(7, delivery.deadline_ms).bind(8, delivery.state);
  insert->bind(9, attempts_to_json(delivery.attempts)).bind(10, delivery.attempt_count);
  insert->bind(11, delivery.next_attempt_ms);
  if (auto ran = insert->run(); !ran)
    return ran.error();
  return {};
}

expected<claim_result> sqlite_outbox::claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) {
  std::lock_guard<std::mutex> guard(mutex_);
  const std::string doing = "claiming a webhook delivery";
  auto earliest = db_->prepare(std::string("SELECT ") + record_columns +
                                 ", body, due_ms, seq FROM deliveries WHERE state = 'pending' "
                                 "ORDER BY due_ms, seq LIMIT 1",
                               doing);
  if (!earliest)
    return earliest.error();
  auto found = earliest->step();
  if (!found)
    return found.error();
  claim_result result;
  if (!*found)
    return result;
  if (earliest->integer(11) > now_ms) {
    result.next_due_ms = earliest->integer(11);
    return result;
  }
  claimed_delivery claimed{read_record(*earliest), worker + ":" + std::to_string(token_source_())};
  claimed.record.body = earliest->text(10);
  auto take = db_->prepare("UPDATE deliveries SET token = ?1, due_ms = ?2 WHERE seq = ?3", doing);
  if (!take)
    return take.error();
  take->bind(1, claimed.token).bind(2, lease_end_ms).bind(3, earliest->integer(12));
  if (auto ran = take->run(); !ran)
    return ran.error();
  result.claimed = std::move(claimed);
  return result;
}

expected<bool> sqlite_outbox::settle(const claimed_delivery& claim, const delivery_record& updated) {
  std::lock_guard<std::mutex> guard(mutex_);
  const std::string doing = "settling webhook delivery " + claim.record.id;
  const bool finished = updated.state != "pending";
  const int64_t now = jobs::now_ms();
  auto store = db_->prepare(
    "UPDATE deliveries SET state = ?1, attempts = ?2, attempt_count = ?3, next_attempt_ms = ?4, due_ms = ?4, "
    "token = '', settled_ms = ?5 WHERE id = ?6 AND token = ?7",
    doing);
  if (!store)
    return store.error();
  store->bind(1, updated.state).bind(2, attempts_to_json(updated.attempts)).bind(3, updated.attempt_count);
  store->bind(4, updated.next_attempt_ms).bind(5, finished ? now : int64_t{0}).bind(6, claim.record.id);
  store->bind(7, claim.token);
  auto changed = store->run();
  if (!changed)
    return changed.error();
  if (*changed == 0)
    return false;
  if (finished)
    if (auto forgotten = forget_old_finished(now); !forgotten)
      return forgotten.error();
  return true;
}

expected<std::optional<delivery_record>> sqlite_outbox::latest_for_job(const std::string& job_id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto latest = db_->prepare(std::string("SELECT ") + record_columns +
                               " FROM deliveries WHERE job_id = ?1 ORDER BY seq DESC LIMIT 1",
                             "reading job " + job_id + "'s webhook delivery");
  if (!latest)
    return latest.error();
  latest->bind(1, job_id);
  auto found = latest->step();
  if (!found)
    return found.error();
  if (!*found)
    return std::optional<delivery_record>{};
  return std::optional<delivery_record>{read_record(*latest)};
}

status sqlite_outbox::forget_old_finished(int64_t now) {
  const std::string doing = "forgetting old finished webhook deliveries";
  auto by_age = db_->prepare("DELETE FROM deliveries WHERE state != 'pending' AND settled_ms < ?1", doing);
  if (!by_age)
    return by_age.error();
  by_age->bind(1, now - std::chrono::duration_cast<std::chrono::milliseconds>(keep_finished_).count());
  if (auto ran = by_age->run(); !ran)
    return ran.error();
  auto by_count = db_->prepare(
    "DELETE FROM deliveries WHERE state != 'pending' AND seq NOT IN "
    "(SELECT seq FROM deliveries WHERE state != 'pending' ORDER BY seq DESC LIMIT ?1)",
    doing);
  if (!by_count)
    return by_count.error();
  by_count->bind(1, max_finished_);
  if (auto ran = by_count->run(); !ran)
    return ran.error();
  return {};
}

} // namespace vs::webhooks
