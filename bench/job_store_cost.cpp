/// bench_job_store_cost: what standalone mode's job store (store/job_store)
/// costs: the transitions one job writes (add, started, finished, each a
/// commit on the coordinator's thread) with synchronous NORMAL and FULL, the
/// reads GET /jobs and GET /jobs/{id} make, start-up recovery, and the
/// file's size, with the history full (JOB_HISTORY_MAX jobs). Prints a
/// markdown table.

#include "store/job_store.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <vector>

using namespace vs;
using clock_type = std::chrono::steady_clock;

namespace {

struct timings {
  std::vector<double> ms;
  void add(clock_type::time_point start) {
    ms.push_back(std::chrono::duration<double, std::milli>(clock_type::now() - start).count());
  }
  double percentile(double p) {
    std::sort(ms.begin(), ms.end());
    return ms.empty() ? 0 : ms[std::min(ms.size() - 1, static_cast<size_t>(p * static_cast<double>(ms.size())))];
  }
};

jobs::job_snapshot job_number(int i) {
  jobs::job_snapshot job;
  char id[17];
  std::snprintf(id, sizeof id, "%016x", i);
  job.id = id;
  job.source = "http";
  job.created_at_ms = 1'800'000'000'000 + i;
  job.spec.audio_path = "/app/output/uploads/voice-" + job.id + ".mp3";
  for (int slide = 0; slide < 10; ++slide)
    job.spec.image_paths.push_back("/app/output/uploads/slide-" + std::to_string(slide) + ".png");
  job.spec.input_roots = {"/app/output"};
  job.spec.output_path = "/app/output/video/" + job.id + ".mp4";
  return job;
}

jobs::job_snapshot finished(jobs::job_snapshot job) {
  job.state = jobs::job_state::success;
  job.started_at_ms = job.created_at_ms + 10;
  job.finished_at_ms = job.created_at_ms + 30'000;
  job.progress = 1;
  job.frames_total = job.frames_done = 720;
  jobs::job_result result;
  result.video_path = job.spec.output_path;
  result.duration_seconds = 30;
  result.file_size = 12'345'678;
  result.width = 1920;
  result.height = 1080;
  result.fps = 24;
  result.frames = 720;
  job.result = result;
  return job;
}

void fail_on(const status& done, const char* what) {
  if (!done) {
    std::fprintf(stderr, "%s: %s\n", what, done.error().message.c_str());
    std::exit(1);
  }
}

/// Fills a store to `history` finished jobs, then times `measured` more job lifecycles.
void measure(const std::string& folder, bool full, int history, int measured) {
  std::filesystem::remove_all(folder);
  store::job_store_settings settings;
  settings.path = folder + "/jobs.sqlite";
  settings.history_max = history;
  settings.flush_every_commit = full;
  auto store = store::job_store::open(settings);
  fail_on(store ? status{} : status(store.error()), "open");
  fail_on((*store)->recover(0) ? status{} : make_error(errc::io_error, "recover"), "recover");
  timings add, start, end;
  for (int i = 0; i < history + measured; ++i) {
    auto job = job_number(i);
    bool timed = i >= history;
    auto t = clock_type::now();
    fail_on((*store)->add(job), "add");
    if (timed)
      add.add(t);
    t = clock_type::now();
    fail_on((*store)->started(job.id, job.created_at_ms + 10), "started");
    if (timed)
      start.add(t);
    t = clock_type::now();
    fail_on((*store)->finished(finished(job)), "finished");
    if (timed)
      end.add(t);
  }
  timings find, list50, list1000, filtered;
  for (int i = 0; i < 200; ++i) {
    auto t = clock_type::now();
    (void)(*store)->find(job_number(history + measured - 1 - i).id);
    find.add(t);
    t = clock_type::now();
    (void)(*store)->recent({50, std::nullopt});
    list50.add(t);
    t = clock_type::now();
    (void)(*store)->recent({1000, std::nullopt});
    list1000.add(t);
    t = clock_type::now();
    (void)(*store)->recent({50, jobs::job_state::failed});
    filtered.add(t);
  }
  // 256 queued jobs (MAX_QUEUED_JOBS) waiting behind the full history.
  for (int i = 0; i < 256; ++i)
    fail_on((*store)->add(job_number(10'000'000 + i)), "add queued");
  store->reset();
  auto size = std::filesystem::file_size(settings.path);
  auto t = clock_type::now();
  auto reopened = store::job_store::open(settings);
  fail_on(reopened ? status{} : status(reopened.error()), "reopen");
  auto recovery = (*reopened)->recover(1'800'000'000'000);
  fail_on(recovery ? status{} : make_error(errc::io_error, "recover"), "recover");
  timings startup;
  startup.add(t);
  const char* mode = full ? "FULL" : "NORMAL";
  std::printf("| %s | add | %.3f | %.3f | %.3f |\n", mode, add.percentile(0.5), add.percentile(0.99), add.percentile(1));
  std::printf("| %s | started | %.3f | %.3f | %.3f |\n", mode, start.percentile(0.5), start.percentile(0.99),
              start.percentile(1));
  std::printf("| %s | finished (+ prune) | %.3f | %.3f | %.3f |\n", mode, end.percentile(0.5), end.percentile(0.99),
              end.percentile(1));
  std::printf("| %s | find(id) | %.3f | %.3f | %.3f |\n", mode, find.percentile(0.5), find.percentile(0.99),
              find.percentile(1));
  std::printf("| %s | recent(50) | %.3f | %.3f | %.3f |\n", mode, list50.percentile(0.5), list50.percentile(0.99),
              list50.percentile(1));
  std::printf("| %s | recent(1000) | %.3f | %.3f | %.3f |\n", mode, list1000.percentile(0.5),
              list1000.percentile(0.99), list1000.percentile(1));
  std::printf("| %s | recent(50, state=failed: none) | %.3f | %.3f | %.3f |\n", mode, filtered.percentile(0.5),
              filtered.percentile(0.99), filtered.percentile(1));
  std::printf("| %s | open + recover (%lld finished, %zu queued) | %.1f | | |\n", mode,
              static_cast<long long>(recovery->finished), recovery->queued.size(), startup.percentile(0.5));
  std::printf("| %s | file size | %.1f MB (%.0f bytes a job) | | |\n", mode, static_cast<double>(size) / (1 << 20),
              static_cast<double>(size) / (history + 256));
}

} // namespace

int main(int argc, char** argv) {
  CLI::App app("Cost of standalone mode's job store");
  std::string folder = "/tmp/bench-job-store";
  int history = 10000, measured = 2000;
  app.add_option("--folder", folder, "scratch folder (removed first)");
  app.add_option("--history", history, "finished jobs kept (JOB_HISTORY_MAX)");
  app.add_option("--measured", measured, "job lifecycles timed once the history is full");
  CLI11_PARSE(app, argc, argv);
  std::printf("| synchronous | operation | p50 ms | p99 ms | max ms |\n|---|---|---|---|---|\n");
  measure(folder, false, history, measured);
  measure(folder, true, history, measured);
  std::filesystem::remove_all(folder);
}
