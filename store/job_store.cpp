#include "store/job_store.hpp"

#include "store/snapshot_record.hpp"
#include "store/spec_record.hpp"
#include "store/sqlite_db.hpp"
#include "store/sqlite_file.hpp"

#include <iterator>
#include <mutex>

namespace vs::store {

namespace {

/// The schema, one entry per version: entry i takes a file from
/// user_version i to i + 1. Add a migration at the end; never edit one.
const char* const migrations[] = {
  // 1: one row per job. `seq` is the submission order (AUTOINCREMENT: never
  // reused after pruning). A job that has not ended has finished_at_ms 0;
  // one that ended has a positive one, its spec dropped.
  R"sql(
    CREATE TABLE jobs (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      id TEXT NOT NULL UNIQUE,
      source TEXT NOT NULL,
      tag TEXT NOT NULL,
      state TEXT NOT NULL CHECK (state IN ('queued', 'processing', 'success', 'failed', 'cancelled')),
      attempts INTEGER NOT NULL DEFAULT 0,
      created_at_ms INTEGER NOT NULL,
      started_at_ms INTEGER NOT NULL DEFAULT 0,
      finished_at_ms INTEGER NOT NULL DEFAULT 0,
      progress REAL NOT NULL DEFAULT 0,
      frames_done INTEGER NOT NULL DEFAULT 0,
      frames_total INTEGER NOT NULL DEFAULT 0,
      chunks_done INTEGER NOT NULL DEFAULT 0,
      chunks_total INTEGER NOT NULL DEFAULT 0,
      spec TEXT,
      result TEXT,
      failure TEXT
    );
    CREATE INDEX jobs_by_state ON jobs (state, seq);
    CREATE INDEX jobs_by_end ON jobs (finished_at_ms) WHERE finished_at_ms > 0;
  )sql",
};

/// The columns read_snapshot reads, in its order; `spec` last, when asked for.
constexpr const char* snapshot_columns =
  "id, source, tag, state, created_at_ms, started_at_ms, finished_at_ms, progress, frames_done, frames_total, "
  "chunks_done, chunks_total, result, failure";

/// A statement's outcome without the count of rows it changed.
status outcome(const expected<int64_t>& ran) {
  if (!ran)
    return ran.error();
  return {};
}

owned_file store_file(const job_store_settings& settings) {
  owned_file file;
  file.path = settings.path;
  file.kind = "job store";
  file.setting = "JOB_STORE_PATH";
  file.fresh_start = "move it aside to start with an empty job history";
  file.migrations.assign(std::begin(migrations), std::end(migrations));
  file.busy_timeout = settings.busy_timeout;
  file.flush_every_commit = settings.flush_every_commit;
  return file;
}

expected<jobs::job_snapshot> read_snapshot(const sqlite_statement& row, bool with_spec) {
  jobs::job_snapshot job;
  job.id = row.text(0);
  job.source = row.text(1);
  job.tag = row.text(2);
  auto state = jobs::job_state_named(row.text(3));
  if (!state)
    return make_error(errc::io_error, "job " + job.id + " has the unknown state '" + row.text(3) + "'");
  job.state = *state;
  job.created_at_ms = row.integer(4);
  job.started_at_ms = row.integer(5);
  job.finished_at_ms = row.integer(6);
  job.progress = row.real(7);
  job.frames_done = row.integer(8);
  job.frames_total = row.integer(9);
  job.chunks_done = static_cast<int>(row.integer(10));
  job.chunks_total = static_cast<int>(row.integer(11));
  if (!row.is_null(12)) {
    auto result = result_from_record(row.text(12));
    if (!result)
      return make_error(errc::io_error, "job " + job.id + ": " + result.error().message);
    job.result = std::move(*result);
  }
  if (!row.is_null(13))
    job.failure = failure_from_record(row.text(13));
  if (with_spec && !row.is_null(14)) {
    auto spec = spec_from_record(row.text(14));
    if (!spec)
      return make_error(errc::input_invalid, "job " + job.id + ": " + spec.error().message);
    job.spec = std::move(*spec);
  }
  return job;
}

} // namespace

struct job_store::impl {
  explicit impl(sqlite_db connection) : db(std::move(connection)) {}
  std::mutex mutex;
  sqlite_db db;

  /// Prepares, binds with `bind` and runs a statement that returns no rows.
  template <class Bind>
  expected<int64_t> run(const std::string& sql, const std::string& doing, Bind bind) {
    auto statement = db.prepare(sql, doing);
    if (!statement)
      return statement.error();
    bind(*statement);
    return statement->run();
  }

  /// Marks a job failed, its spec dropped.
  status fail(const std::string& id, int64_t now_ms, const error& failure, int attempts) {
    return outcome(run("UPDATE jobs SET state = 'failed', attempts = ?1, finished_at_ms = ?2, failure = ?3, spec = NULL, "
               "progress = 0, frames_done = 0 WHERE id = ?4",
               "failing job " + id,
               [&](sqlite_statement& s) {
                 s.bind(1, int64_t{attempts}).bind(2, std::max<int64_t>(now_ms, 1));
                 s.bind(3, failure_to_record(failure)).bind(4, id);
               }));
  }

  /// Finished jobs beyond the history bounds go; their files stay.
  expected<int64_t> prune(const job_store_settings& settings, int64_t now_ms) {
    int64_t pruned = 0;
    if (settings.history_days > 0) {
      int64_t cutoff = now_ms - int64_t{settings.history_days} * 86'400'000;
      auto old = run("DELETE FROM jobs WHERE finished_at_ms > 0 AND finished_at_ms < ?1", "pruning old jobs",
                     [&](sqlite_statement& s) { s.bind(1, cutoff); });
      if (!old)
        return old.error();
      pruned += *old;
    }
    if (settings.history_max > 0) {
      auto surplus = run("DELETE FROM jobs WHERE seq IN (SELECT seq FROM jobs WHERE finished_at_ms > 0 "
                         "ORDER BY finished_at_ms DESC, seq DESC LIMIT -1 OFFSET ?1)",
                         "pruning the oldest jobs", [&](sqlite_statement& s) { s.bind(1, settings.history_max); });
      if (!surplus)
        return surplus.error();
      pruned += *surplus;
    }
    return pruned;
  }

  template <class Bind>
  expected<std::vector<jobs::job_snapshot>> select(const std::string& sql, const std::string& doing, bool with_spec,
                                                  Bind bind) {
    auto statement = db.prepare(sql, doing);
    if (!statement)
      return statement.error();
    bind(*statement);
    std::vector<jobs::job_snapshot> jobs;
    auto read = statement->for_each_row([&]() -> status {
      auto job = read_snapshot(*statement, with_spec);
      if (!job)
        return job.error();
      jobs.push_back(std::move(*job));
      return {};
    });
    if (!read)
      return read.error();
    return jobs;
  }

  /// Jobs found rendering: the process died under them. Queued again with
  /// the attempt counted, or failed at the bound; then the history pruned.
  status restart_interrupted(const job_store_settings& settings, int64_t now_ms, job_recovery& recovery) {
    const std::string doing = "recovering jobs";
    auto transaction = sqlite_transaction::begin(db, doing);
    if (!transaction)
      return transaction.error();
    auto interrupted = db.prepare("SELECT id, attempts FROM jobs WHERE state = 'processing' ORDER BY seq", doing);
    if (!interrupted)
      return interrupted.error();
    std::vector<std::pair<std::string, int>> found;
    auto read = interrupted->for_each_row([&]() -> status {
      found.emplace_back(interrupted->text(0), static_cast<int>(interrupted->integer(1)) + 1);
      return {};
    });
    if (!read)
      return read.error();
    for (const auto& job : found) {
      // Named copies: a lambda cannot capture a structured binding in C++17 (clang refuses).
      const std::string& id = job.first;
      const int attempts = job.second;
      if (attempts >= settings.max_attempts) {
        auto failure = make_error(errc::internal, "job " + id + " gave up after " + std::to_string(attempts) +
                                                    " attempts: the service stopped (killed or crashed) while it "
                                                    "rendered, each time (MAX_ATTEMPTS " +
                                                    std::to_string(settings.max_attempts) + ")");
        if (auto failed = fail(id, now_ms, failure, attempts); !failed)
          return failed;
        ++recovery.given_up;
        continue;
      }
      auto requeued = run("UPDATE jobs SET state = 'queued', attempts = ?1, started_at_ms = 0, progress = 0, "
                          "frames_done = 0, frames_total = 0, chunks_done = 0, chunks_total = 0 WHERE id = ?2",
                          doing, [&](sqlite_statement& s) { s.bind(1, int64_t{attempts}).bind(2, id); });
      if (!requeued)
        return requeued.error();
      ++recovery.restarted;
    }
    auto pruned = prune(settings, now_ms);
    if (!pruned)
      return pruned.error();
    recovery.pruned = *pruned;
    return transaction->commit();
  }

  /// The queued jobs with their specs, in order; one whose spec cannot be
  /// read back fails alone.
  status read_queue(int64_t now_ms, job_recovery& recovery) {
    auto queued = db.prepare(std::string("SELECT ") + snapshot_columns +
                               ", spec FROM jobs WHERE state = 'queued' ORDER BY seq",
                             "reading the queue");
    if (!queued)
      return queued.error();
    std::vector<std::pair<std::string, error>> unreadable;
    auto read = queued->for_each_row([&]() -> status {
      auto job = read_snapshot(*queued, true);
      if (job)
        recovery.queued.push_back(std::move(*job));
      else
        unreadable.emplace_back(queued->text(0), make_error(errc::internal, "job " + queued->text(0) +
                                                                               " could not be resumed: " +
                                                                               job.error().message));
      return {};
    });
    if (!read)
      return read.error();
    for (const auto& [id, failure] : unreadable)
      if (auto failed = fail(id, now_ms, failure, 0); !failed)
        return failed;
    recovery.unreadable = static_cast<int>(unreadable.size());
    return {};
  }
};

job_store::job_store(std::unique_ptr<impl> parts, job_store_settings settings)
    : impl_(std::move(parts)), settings_(std::move(settings)) {}

job_store::~job_store() = default;

expected<std::unique_ptr<job_store>> job_store::open(const job_store_settings& settings) {
  auto db = open_owned_file(store_file(settings));
  if (!db)
    return db.error();
  return std::unique_ptr<job_store>(new job_store(std::make_unique<impl>(std::move(*db)), settings));
}

expected<job_recovery> job_store::recover(int64_t now_ms) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  job_recovery recovery;
  if (auto restarted = impl_->restart_interrupted(settings_, now_ms, recovery); !restarted)
    return restarted.error();
  if (auto read = impl_->read_queue(now_ms, recovery); !read)
    return read.error();
  auto finished = single_text(impl_->db, store_file(settings_), "SELECT count(*) FROM jobs WHERE finished_at_ms > 0",
                              "counting finished jobs");
  if (!finished)
    return finished.error();
  recovery.finished = std::stoll(*finished);
  return recovery;
}

status job_store::add(const jobs::job_snapshot& job) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  // REPLACE: a finished job submitted again under its id (a Redis task
  // pushed twice) is a new job, at the end of the order.
  auto added = impl_->run("INSERT OR REPLACE INTO jobs (id, source, tag, state, created_at_ms, spec) "
                          "VALUES (?1, ?2, ?3, 'queued', ?4, ?5)",
                          "recording job " + job.id, [&](sqlite_statement& s) {
                            s.bind(1, job.id).bind(2, job.source).bind(3, job.tag).bind(4, job.created_at_ms);
                            s.bind(5, spec_to_record(job.spec));
                          });
  return outcome(added);
}

status job_store::started(const std::string& id, int64_t started_at_ms) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto updated = impl_->run("UPDATE jobs SET state = 'processing', started_at_ms = ?1 WHERE id = ?2",
                            "recording the start of job " + id,
                            [&](sqlite_statement& s) { s.bind(1, started_at_ms).bind(2, id); });
  return outcome(updated);
}

status job_store::finished(const jobs::job_snapshot& job) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  const std::string doing = "recording the end of job " + job.id;
  auto transaction = sqlite_transaction::begin(impl_->db, doing);
  if (!transaction)
    return transaction.error();
  const int64_t ended = std::max<int64_t>(job.finished_at_ms, 1);
  auto updated = impl_->run(
    "UPDATE jobs SET state = ?1, started_at_ms = ?2, finished_at_ms = ?3, progress = ?4, frames_done = ?5, "
    "frames_total = ?6, chunks_done = ?7, chunks_total = ?8, result = ?9, failure = ?10, spec = NULL WHERE id = ?11",
    doing, [&](sqlite_statement& s) {
      s.bind(1, std::string(jobs::to_string(job.state))).bind(2, job.started_at_ms).bind(3, ended);
      s.bind(4, job.progress).bind(5, job.frames_done).bind(6, job.frames_total);
      s.bind(7, int64_t{job.chunks_done}).bind(8, int64_t{job.chunks_total});
      if (job.result)
        s.bind(9, result_to_record(*job.result));
      else
        s.bind_null(9);
      if (job.failure)
        s.bind(10, failure_to_record(*job.failure));
      else
        s.bind_null(10);
      s.bind(11, job.id);
    });
  if (!updated)
    return updated.error();
  if (*updated == 0)
    return make_error(errc::internal, impl_->db.path() + ": " + doing + ": no such job");
  if (auto pruned = impl_->prune(settings_, ended); !pruned)
    return pruned.error();
  return transaction->commit();
}

status job_store::requeue(const std::string& id) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto updated = impl_->run("UPDATE jobs SET state = 'queued', started_at_ms = 0, progress = 0, frames_done = 0, "
                            "frames_total = 0, chunks_done = 0, chunks_total = 0 WHERE id = ?1 AND state = 'processing'",
                            "putting job " + id + " back in the queue", [&](sqlite_statement& s) { s.bind(1, id); });
  return outcome(updated);
}

expected<std::optional<jobs::job_snapshot>> job_store::find(const std::string& id) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto jobs = impl_->select(std::string("SELECT ") + snapshot_columns + " FROM jobs WHERE id = ?1", "reading job " + id,
                            false, [&](sqlite_statement& s) { s.bind(1, id); });
  if (!jobs)
    return jobs.error();
  if (jobs->empty())
    return std::optional<jobs::job_snapshot>();
  return std::optional<jobs::job_snapshot>(std::move(jobs->front()));
}

expected<bool> job_store::contains(const std::string& id) {
  auto found = find(id);
  if (!found)
    return found.error();
  return found->has_value();
}

expected<std::vector<jobs::job_snapshot>> job_store::recent(const jobs::job_query& query) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  const int64_t limit = static_cast<int64_t>(query.limit);
  if (query.state)
    return impl_->select(std::string("SELECT ") + snapshot_columns +
                           " FROM jobs WHERE state = ?1 ORDER BY seq DESC LIMIT ?2",
                         "listing jobs", false, [&](sqlite_statement& s) {
                           s.bind(1, std::string(jobs::to_string(*query.state))).bind(2, limit);
                         });
  return impl_->select(std::string("SELECT ") + snapshot_columns + " FROM jobs ORDER BY seq DESC LIMIT ?1",
                       "listing jobs", false, [&](sqlite_statement& s) { s.bind(1, limit); });
}

expected<int> job_store::attempts(const std::string& id) {
  std::lock_guard<std::mutex> guard(impl_->mutex);
  auto statement = impl_->db.prepare("SELECT attempts FROM jobs WHERE id = ?1", "reading the attempts of job " + id);
  if (!statement)
    return statement.error();
  statement->bind(1, id);
  auto row = statement->step();
  if (!row)
    return row.error();
  return *row ? static_cast<int>(statement->integer(0)) : 0;
}

} // namespace vs::store
