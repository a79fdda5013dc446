// The job store on a real SQLite file in a temporary folder: what one
// process wrote, the next one reads back after it is gone.
#include "api/job_json.hpp"
#include "store/job_store.hpp"
#include "store/sqlite_db.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <fstream>

using namespace vs;
using namespace vs::store;
using vs::test::temp_dir;

namespace {

constexpr int64_t t0 = 1'800'000'000'000;  // 2027-01-15, Unix ms
constexpr int64_t day_ms = 86'400'000;

job_store_settings settings_in(const temp_dir& dir) {
  job_store_settings settings;
  settings.path = dir.file("out/jobs.sqlite");
  settings.busy_timeout = std::chrono::milliseconds(100);
  return settings;
}

std::unique_ptr<job_store> open_store(const job_store_settings& settings) {
  auto store = job_store::open(settings);
  if (!store)
    FAIL(store.error().message);
  return std::move(*store);
}

jobs::job_snapshot queued_job(const std::string& id, int64_t created) {
  jobs::job_snapshot job;
  job.id = id;
  job.source = "http";
  job.created_at_ms = created;
  job.spec.audio_path = "/out/" + id + ".mp3";
  job.spec.image_paths = {"/out/a.png"};
  job.spec.output_path = "/out/video/" + id + ".mp4";
  return job;
}

/// `job` as it ended: success with a result, or failed/cancelled with an error.
jobs::job_snapshot ended(jobs::job_snapshot job, jobs::job_state state, int64_t finished) {
  job.state = state;
  job.started_at_ms = finished - 2500;
  job.finished_at_ms = finished;
  job.frames_total = 144;
  if (state == jobs::job_state::success) {
    job.progress = 1.0;
    job.frames_done = 144;
    jobs::job_result result;
    result.video_path = "/out/video/" + job.id + ".mp4";
    result.poster_path = "/out/video/" + job.id + ".jpg";
    result.duration_seconds = 6.0 + 1.0 / 3.0;
    result.file_size = 123456;
    result.width = 1280;
    result.height = 720;
    result.fps = 24;
    result.frames = 144;
    job.result = result;
  } else {
    job.progress = 0.1 + 0.2;
    job.frames_done = 43;
    job.failure = make_error(errc::input_invalid, "image 2 of 3 is not a picture", "image_paths");
  }
  return job;
}

/// A store that recorded `id` as queued and then rendering; what a process
/// killed mid-render leaves once the store is dropped.
std::unique_ptr<job_store> with_rendering_job(const job_store_settings& settings, const std::string& id) {
  auto store = open_store(settings);
  REQUIRE(store->recover(t0));
  REQUIRE(store->add(queued_job(id, t0)));
  REQUIRE(store->started(id, t0 + 10));
  return store;
}

/// Runs `sql` on the file at `path` as another program would.
void run_sql(const std::string& path, const std::string& sql) {
  auto db = sqlite_db::open(path);
  REQUIRE(db);
  REQUIRE(db->exec(sql, "running " + sql));
}

/// Why the store refuses a file once `sql` has run on it.
std::string refusal_after(const job_store_settings& settings, const std::string& sql) {
  run_sql(settings.path, sql);
  auto store = job_store::open(settings);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == errc::io_error);
  return store.error().message;
}

std::vector<std::string> ids_of(const std::vector<jobs::job_snapshot>& jobs) {
  std::vector<std::string> ids;
  for (const auto& job : jobs)
    ids.push_back(job.id);
  return ids;
}

jobs::job_snapshot find_job(job_store& store, const std::string& id) {
  auto found = store.find(id);
  REQUIRE(found);
  REQUIRE(found->has_value());
  return **found;
}

} // namespace

TEST_CASE("finished jobs read back with the snapshot they had, from a file in WAL mode", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  auto succeeded = ended(queued_job("aaaa000000000001", t0), jobs::job_state::success, t0 + 9000);
  auto failed = ended(queued_job("aaaa000000000002", t0 + 1), jobs::job_state::failed, t0 + 9500);
  auto cancelled = ended(queued_job("aaaa000000000003", t0 + 2), jobs::job_state::cancelled, t0 + 9700);
  cancelled.failure = make_error(errc::cancelled, "the job was cancelled");
  {
    auto store = open_store(settings);
    REQUIRE(store->recover(t0));
    for (const auto* job : {&succeeded, &failed, &cancelled}) {
      REQUIRE(store->add(queued_job(job->id, job->created_at_ms)));
      REQUIRE(store->started(job->id, job->started_at_ms));
      REQUIRE(store->finished(*job));
    }
  }
  // Byte 18 of an SQLite file is 2 in write-ahead-log mode.
  std::ifstream file(settings.path, std::ios::binary);
  char header[20];
  REQUIRE(file.read(header, sizeof header));
  CHECK(static_cast<int>(header[18]) == 2);

  auto store = open_store(settings);
  auto recovery = store->recover(t0 + 10'000);
  REQUIRE(recovery);
  CHECK(recovery->queued.empty());
  CHECK(recovery->finished == 3);
  for (const auto* job : {&succeeded, &failed, &cancelled})
    CHECK(api::snapshot_json(find_job(*store, job->id)).dump() == api::snapshot_json(*job).dump());
  auto read = find_job(*store, succeeded.id);
  REQUIRE(read.result);
  CHECK(read.result->poster_path == "/out/video/aaaa000000000001.jpg");
  CHECK(read.result->duration_seconds == 6.0 + 1.0 / 3.0);
  REQUIRE(find_job(*store, failed.id).failure);
  CHECK(find_job(*store, failed.id).failure->field == "image_paths");
  CHECK(find_job(*store, failed.id).progress == 0.1 + 0.2);
  auto unknown = store->find("nope");
  REQUIRE(unknown);
  CHECK_FALSE(unknown->has_value());
}

TEST_CASE("queued jobs come back in submission order and a rendering one is restarted, its attempt counted",
          "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  {
    auto store = open_store(settings);
    REQUIRE(store->recover(t0));
    // Ids out of alphabetical order: the order is the submission's.
    for (const char* id : {"c000000000000001", "a000000000000002", "b000000000000003"})
      REQUIRE(store->add(queued_job(id, t0)));
    REQUIRE(store->started("c000000000000001", t0 + 100));
    // The process dies here: nothing more is written.
  }
  auto store = open_store(settings);
  auto recovery = store->recover(t0 + 1000);
  REQUIRE(recovery);
  CHECK(ids_of(recovery->queued) ==
        std::vector<std::string>{"c000000000000001", "a000000000000002", "b000000000000003"});
  CHECK(recovery->restarted == 1);
  CHECK(recovery->given_up == 0);
  const jobs::job_snapshot& restarted = recovery->queued.front();
  CHECK(restarted.state == jobs::job_state::queued);
  CHECK(restarted.started_at_ms == 0);
  CHECK(restarted.created_at_ms == t0);
  CHECK(restarted.spec.audio_path == "/out/c000000000000001.mp3");
  CHECK(restarted.spec.output_path == "/out/video/c000000000000001.mp4");
  CHECK(store->attempts("c000000000000001").value() == 1);
  CHECK(store->attempts("a000000000000002").value() == 0);
  CHECK(find_job(*store, "c000000000000001").state == jobs::job_state::queued);
}

TEST_CASE("a job found rendering MAX_ATTEMPTS times is failed naming it and the bound", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  settings.max_attempts = 2;
  const std::string id = "dead000000000001";
  with_rendering_job(settings, id);
  {
    auto store = open_store(settings);
    auto recovery = store->recover(t0 + 100);
    REQUIRE(recovery);
    CHECK(ids_of(recovery->queued) == std::vector<std::string>{id});
    REQUIRE(store->started(id, t0 + 200));
  }
  auto store = open_store(settings);
  auto recovery = store->recover(t0 + 300);
  REQUIRE(recovery);
  CHECK(recovery->queued.empty());
  CHECK(recovery->given_up == 1);
  auto job = find_job(*store, id);
  CHECK(job.state == jobs::job_state::failed);
  CHECK(job.finished_at_ms == t0 + 300);
  REQUIRE(job.failure);
  CHECK(job.failure->code == errc::internal);
  CHECK(job.failure->message == "job dead000000000001 gave up after 2 attempts: the service stopped (killed or "
                                "crashed) while it rendered, each time (MAX_ATTEMPTS 2)");
  CHECK(store->attempts(id).value() == 2);
}

TEST_CASE("a job a shutdown put back in the queue comes back without an attempt counted", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  settings.max_attempts = 1;
  const std::string id = "sigterm000000001";
  REQUIRE(with_rendering_job(settings, id)->requeue(id));
  auto store = open_store(settings);
  auto recovery = store->recover(t0 + 100);
  REQUIRE(recovery);
  CHECK(ids_of(recovery->queued) == std::vector<std::string>{id});
  CHECK(recovery->restarted == 0);
  CHECK(store->attempts(id).value() == 0);
}

TEST_CASE("the history keeps JOB_HISTORY_MAX finished jobs, none older than JOB_HISTORY_DAYS, and their files",
          "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  settings.history_max = 3;
  settings.history_days = 2;
  auto store = open_store(settings);
  REQUIRE(store->recover(t0));
  REQUIRE(store->add(queued_job("waiting000000001", t0)));
  for (int i = 1; i <= 5; ++i) {
    std::string id = "done00000000000" + std::to_string(i);
    vs::test::write_bytes(dir.file(id + ".mp4"), "video");
    REQUIRE(store->add(queued_job(id, t0 + i)));
    REQUIRE(store->finished(ended(queued_job(id, t0 + i), jobs::job_state::success, t0 + i * day_ms / 2)));
  }
  CHECK(ids_of(store->recent({100, std::nullopt}).value()) ==
        std::vector<std::string>{"done000000000005", "done000000000004", "done000000000003", "waiting000000001"});
  // A day later, job 3 (ended at 1.5 days) is more than two days old.
  auto recovery = store->recover(t0 + 3 * day_ms + day_ms / 2 + 1);
  REQUIRE(recovery);
  CHECK(recovery->pruned == 1);
  CHECK(recovery->finished == 2);
  CHECK(ids_of(recovery->queued) == std::vector<std::string>{"waiting000000001"});
  CHECK(ids_of(store->recent({100, std::nullopt}).value()) ==
        std::vector<std::string>{"done000000000005", "done000000000004", "waiting000000001"});
  for (int i = 1; i <= 5; ++i)
    CHECK(std::filesystem::exists(dir.file("done00000000000" + std::to_string(i) + ".mp4")));
}

TEST_CASE("recent lists the newest jobs first, filtered by state and cut at the limit", "[store]") {
  temp_dir dir;
  auto store = open_store(settings_in(dir));
  REQUIRE(store->recover(t0));
  const std::vector<std::pair<std::string, jobs::job_state>> jobs{
    {"j1", jobs::job_state::success}, {"j2", jobs::job_state::failed},    {"j3", jobs::job_state::success},
    {"j4", jobs::job_state::queued},  {"j5", jobs::job_state::processing}, {"j6", jobs::job_state::success}};
  for (const auto& [id, state] : jobs) {
    REQUIRE(store->add(queued_job(id, t0)));
    if (state == jobs::job_state::processing)
      REQUIRE(store->started(id, t0 + 1));
    else if (jobs::is_final(state))
      REQUIRE(store->finished(ended(queued_job(id, t0), state, t0 + 5)));
  }
  CHECK(ids_of(store->recent({50, std::nullopt}).value()) ==
        std::vector<std::string>{"j6", "j5", "j4", "j3", "j2", "j1"});
  CHECK(ids_of(store->recent({2, std::nullopt}).value()) == std::vector<std::string>{"j6", "j5"});
  CHECK(ids_of(store->recent({50, jobs::job_state::success}).value()) == std::vector<std::string>{"j6", "j3", "j1"});
  CHECK(ids_of(store->recent({1, jobs::job_state::success}).value()) == std::vector<std::string>{"j6"});
  CHECK(ids_of(store->recent({50, jobs::job_state::processing}).value()) == std::vector<std::string>{"j5"});
  CHECK(store->recent({50, jobs::job_state::cancelled}).value().empty());
}

TEST_CASE("a job whose stored spec cannot be read back fails alone, naming why", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  {
    auto store = open_store(settings);
    REQUIRE(store->recover(t0));
    REQUIRE(store->add(queued_job("broken0000000001", t0)));
    REQUIRE(store->add(queued_job("fine000000000002", t0)));
  }
  run_sql(settings.path, "UPDATE jobs SET spec = '{\"fps\": 24}' WHERE id = 'broken0000000001'");
  auto store = open_store(settings);
  auto recovery = store->recover(t0 + 5);
  REQUIRE(recovery);
  CHECK(ids_of(recovery->queued) == std::vector<std::string>{"fine000000000002"});
  CHECK(recovery->unreadable == 1);
  auto broken = find_job(*store, "broken0000000001");
  CHECK(broken.state == jobs::job_state::failed);
  REQUIRE(broken.failure);
  CHECK(broken.failure->message.rfind("job broken0000000001 could not be resumed: job broken0000000001: the stored "
                                      "render spec is not valid: ",
                                      0) == 0);
}

TEST_CASE("a file that is no SQLite database is refused naming it and what to do", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  std::filesystem::create_directories(dir.file("out"));
  vs::test::write_bytes(settings.path, std::string(4096, 'x'));
  auto store = job_store::open(settings);
  REQUIRE_FALSE(store);
  CHECK(store.error().code == errc::io_error);
  CHECK(store.error().message == "the job store " + settings.path +
                                   " (JOB_STORE_PATH) is not an SQLite database (switching to write-ahead logging: "
                                   "file is not a database): move it aside to start with an empty job history");
  // Left as it was, for whoever looks at it.
  CHECK(std::filesystem::file_size(settings.path) == 4096);
}

TEST_CASE("a job store with a damaged page is refused at start-up", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  {
    auto store = open_store(settings);
    REQUIRE(store->recover(t0));
    // Enough rows for the table to span several pages.
    for (int i = 0; i < 300; ++i)
      REQUIRE(store->add(queued_job("job" + std::to_string(1000 + i), t0 + i)));
  }
  auto size = std::filesystem::file_size(settings.path);
  REQUIRE(size > 4 * 4096);
  {
    // Page 3 onwards overwritten with noise: the header still says SQLite.
    std::fstream file(settings.path, std::ios::in | std::ios::out | std::ios::binary);
    file.seekp(2 * 4096);
    std::string noise(4096, '\0');
    for (size_t i = 0; i < noise.size(); ++i)
      noise[i] = static_cast<char>((i * 7919) % 251);
    file.write(noise.data(), static_cast<std::streamsize>(noise.size()));
  }
  auto store = job_store::open(settings);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.rfind("the job store " + settings.path + " (JOB_STORE_PATH) is damaged (", 0) == 0);
  CHECK(store.error().message.find("): move it aside to start with an empty job history, or restore a copy") !=
        std::string::npos);
}

TEST_CASE("a job store of a newer schema, or another program's database, is refused", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  { open_store(settings); }
  CHECK(refusal_after(settings, "PRAGMA user_version = 7") ==
        "the job store " + settings.path +
          " (JOB_STORE_PATH) has schema version 7, written by a newer video-service; this one reads up to version 1");
  settings.path = dir.file("other.sqlite");
  CHECK(refusal_after(settings, "CREATE TABLE invoices (id INTEGER)") ==
        "the job store " + settings.path +
          " (JOB_STORE_PATH) is an SQLite database of something else (tables, no job store schema version): choose "
          "another JOB_STORE_PATH");
}

TEST_CASE("a second job store on the same file is refused while the first holds it", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  auto first = open_store(settings);
  REQUIRE(first->recover(t0));
  REQUIRE(first->add(queued_job("only000000000001", t0)));
  auto second = job_store::open(settings);
  REQUIRE_FALSE(second);
  CHECK(second.error().message ==
        "the job store " + settings.path +
          " (JOB_STORE_PATH) is in use by another process (another video-service serve on the same OUTPUT_DIR?): "
          "switching to write-ahead logging: database is locked");
  // The first is unharmed.
  CHECK(find_job(*first, "only000000000001").state == jobs::job_state::queued);
  first.reset();
  auto third = open_store(settings);
  CHECK(third->recover(t0).value().queued.size() == 1);
}

TEST_CASE("a job store path that is a folder is refused naming it", "[store]") {
  temp_dir dir;
  auto settings = settings_in(dir);
  std::filesystem::create_directories(settings.path);
  auto store = job_store::open(settings);
  REQUIRE_FALSE(store);
  CHECK(store.error().message.rfind("the job store " + settings.path + " (JOB_STORE_PATH) ", 0) == 0);
  CHECK(store.error().message.find("unable to open database file") != std::string::npos);
}
