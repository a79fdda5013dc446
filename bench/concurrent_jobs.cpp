/// bench_concurrent_jobs: the job system under load, in one process.
///   1. 4 reference jobs submitted at once vs the same 4 one after another
///      (wall times, ratio concurrent/sequential; target ≤ 1.05).
///   2. Peak RSS with 20 jobs queued vs 1 queued (target: no growth beyond
///      job metadata).
///   3. stats() latency (what /health calls) while every slot renders.
/// Inputs are generated with the ffmpeg CLI into a temporary folder.
/// Prints a markdown table.

#include "actors/job_service_facade.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/log.h>
}

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <malloc.h>
#include <iostream>
#include <sstream>
#include <string>
#include <thread>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  double seconds = 30;
  std::string resolution = "1920x1080";
  std::string preset = "medium";
  int fps = 24;
  int crf = 20;
  int jobs = 4;
  int queued = 20;
  int max_concurrent = 0;
  int arena_max = 4;
};

void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    std::cerr << "failed: " << command << "\n";
    std::exit(1);
  }
}

/// kB from a "Name:   123 kB" line of /proc/self/status.
int64_t proc_status_kb(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(name + ":", 0) == 0)
      return std::stoll(line.substr(name.size() + 1));
  return -1;
}

/// Resets VmHWM to the current RSS (Linux ≥ 4.0).
void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

double seconds_since(clock_type::time_point start) {
  return std::chrono::duration<double>(clock_type::now() - start).count();
}

struct inputs {
  std::string audio;
  std::vector<std::string> images;
};

inputs make_inputs(const fs::path& dir, double seconds) {
  inputs made;
  made.audio = (dir / "narration.mp3").string();
  run("ffmpeg -y -f lavfi -i 'sine=frequency=220:sample_rate=24000:duration=" + std::to_string(seconds) +
      "' -ac 1 -b:a 64k '" + made.audio + "'");
  const char* sources[] = {"testsrc2", "mandelbrot", "rgbtestsrc", "smptehdbars", "testsrc"};
  for (int i = 0; i < 5; ++i) {
    std::string path = (dir / ("slide" + std::to_string(i) + ".jpg")).string();
    run(std::string("ffmpeg -y -f lavfi -i ") + sources[i] + "=size=1024x1024:rate=1 -frames:v 1 -q:v 3 '" + path +
        "'");
    made.images.push_back(path);
  }
  return made;
}

vs::media::render_spec reference_spec(const inputs& in, const options& opt, uint64_t seed) {
  vs::media::render_spec spec;
  spec.audio_path = in.audio;
  spec.image_paths = in.images;
  auto x = opt.resolution.find('x');
  spec.width = std::stoi(opt.resolution.substr(0, x));
  spec.height = std::stoi(opt.resolution.substr(x + 1));
  spec.fps = opt.fps;
  spec.preset = opt.preset;
  spec.crf = opt.crf;
  spec.seed = seed;
  return spec;
}

std::string submit(vs::jobs::job_service& jobs, const vs::media::render_spec& spec) {
  auto id = jobs.submit(spec);
  if (!id) {
    std::cerr << "submit failed: " << id.error().message << "\n";
    std::exit(1);
  }
  return *id;
}

void wait_success(vs::jobs::job_service& jobs, const std::string& id) {
  auto done = jobs.wait(id, std::chrono::hours(2));
  if (!done || done->state != vs::jobs::job_state::success) {
    std::cerr << "job " << id << " did not succeed: "
              << (done ? (done->failure ? done->failure->message : "?") : done.error().message) << "\n";
    std::exit(1);
  }
}

struct latency_probe {
  std::atomic<bool> stop{false};
  std::vector<double> samples_ms;
  std::thread thread;

  explicit latency_probe(vs::jobs::job_service& jobs) {
    thread = std::thread([this, &jobs] {
      while (!stop.load()) {
        auto start = clock_type::now();
        auto stats = jobs.stats();
        samples_ms.push_back(seconds_since(start) * 1000);
        (void)stats;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    });
  }
  void finish() {
    stop = true;
    thread.join();
    std::sort(samples_ms.begin(), samples_ms.end());
  }
  double percentile(double p) const {
    if (samples_ms.empty())
      return 0;
    size_t index = static_cast<size_t>(p * static_cast<double>(samples_ms.size() - 1));
    return samples_ms[index];
  }
};

struct rss_result {
  int64_t peak_rss_kb = 0;    ///< highest VmRSS sampled
  int64_t hwm_kb = 0;         ///< VmHWM after the phase (reset before it)
  int64_t peak_buffers = 0;   ///< frame buffers alive at once
};

/// Runs `running + queued` jobs; samples RSS until `running + 1` have
/// finished (so the queue was full the whole time), cancels the rest.
rss_result rss_phase(vs::actors::job_system& system, const inputs& in, const options& opt, int queued) {
  auto& jobs = system.service();
  int running = system.config().max_concurrent_jobs;
  reset_peak_rss();
  rss_result result;
  std::vector<std::string> ids;
  for (int i = 0; i < running + queued; ++i)
    ids.push_back(submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
  std::atomic<bool> stop{false};
  std::thread sampler([&] {
    while (!stop.load()) {
      result.peak_rss_kb = std::max(result.peak_rss_kb, proc_status_kb("VmRSS"));
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  });
  for (int i = 0; i <= running && i < static_cast<int>(ids.size()); ++i)
    wait_success(jobs, ids[static_cast<size_t>(i)]);
  stop = true;
  sampler.join();
  result.hwm_kb = proc_status_kb("VmHWM");
  for (const auto& id : ids)
    (void)jobs.cancel(id);
  for (const auto& id : ids)
    (void)jobs.wait(id, std::chrono::seconds(30));
  return result;
}

} // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"bench_concurrent_jobs: the job system under load"};
  app.add_option("--seconds", opt.seconds, "Narration length (default 30)");
  app.add_option("--resolution", opt.resolution, "WIDTHxHEIGHT (default 1920x1080)");
  app.add_option("--preset", opt.preset, "x264 preset (default medium)");
  app.add_option("--fps", opt.fps, "Frames per second (default 24)");
  app.add_option("--jobs", opt.jobs, "Reference jobs (default 4)");
  app.add_option("--queued", opt.queued, "Queued jobs for the memory test (default 20)");
  app.add_option("--max-concurrent", opt.max_concurrent, "Jobs at once (default: one per core)");
  app.add_option("--arena-max", opt.arena_max, "glibc M_ARENA_MAX, as `serve` sets it (default 4; 0: glibc's default)");
  CLI11_PARSE(app, argc, argv);
  if (opt.arena_max > 0)
    mallopt(M_ARENA_MAX, opt.arena_max);

  spdlog::set_level(spdlog::level::warn);
  av_log_set_level(AV_LOG_ERROR);
  fs::path dir = fs::temp_directory_path() / ("bench-jobs-" + std::to_string(getpid()));
  fs::create_directories(dir);
  std::cerr << "generating inputs in " << dir << "\n";
  inputs in = make_inputs(dir, opt.seconds);

  vs::actors::job_system_config config;
  config.output_dir = (dir / "output").string();
  config.max_concurrent_jobs = opt.max_concurrent;
  auto started = vs::actors::start_job_system(config);
  if (!started) {
    std::cerr << started.error().message << "\n";
    return 1;
  }
  auto& system = **started;
  auto& jobs = system.service();

  std::cerr << "sequential: " << opt.jobs << " jobs one after another\n";
  auto sequential_start = clock_type::now();
  for (int i = 0; i < opt.jobs; ++i)
    wait_success(jobs, submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
  double sequential = seconds_since(sequential_start);

  std::cerr << "concurrent: " << opt.jobs << " jobs at once\n";
  latency_probe probe(jobs);
  auto concurrent_start = clock_type::now();
  std::vector<std::string> ids;
  for (int i = 0; i < opt.jobs; ++i)
    ids.push_back(submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
  for (const auto& id : ids)
    wait_success(jobs, id);
  double concurrent = seconds_since(concurrent_start);
  probe.finish();
  auto stats = jobs.stats();

  std::cerr << "memory: 1 queued\n";
  rss_result one = rss_phase(system, in, opt, 1);
  std::cerr << "memory: " << opt.queued << " queued\n";
  rss_result many = rss_phase(system, in, opt, opt.queued);
  // Again with one queued: tells growth caused by the queue from growth
  // that comes with having run more jobs (allocator arenas, caches).
  std::cerr << "memory: 1 queued, again\n";
  rss_result again = rss_phase(system, in, opt, 1);
  // The direct price of a queue: with every slot busy and the encoders in
  // their steady state, VmRSS just before and just after queueing 1000 jobs.
  std::cerr << "memory: 1000 jobs queued at once\n";
  int64_t queue_cost_kb = 0;
  {
    std::vector<std::string> busy;
    for (int i = 0; i < system.config().max_concurrent_jobs; ++i)
      busy.push_back(submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
    for (const auto& id : busy)
      for (;;) {
        auto snapshot = jobs.find(id);
        if (!snapshot || snapshot->frames_done >= 2 * opt.fps || vs::jobs::is_final(snapshot->state))
          break;
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
    int64_t before = proc_status_kb("VmRSS");
    std::vector<std::string> queued;
    for (int i = 0; i < 1000; ++i)
      queued.push_back(submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
    queue_cost_kb = proc_status_kb("VmRSS") - before;
    for (const auto& id : queued)
      (void)jobs.cancel(id);
    for (const auto& id : busy)
      (void)jobs.cancel(id);
  }
  // Cancel latency at full size with every slot busy: from the cancel call
  // until it returns (the job is cancelled and its temporary file is gone).
  std::cerr << "cancel latency\n";
  std::vector<double> cancel_ms;
  for (int round = 0; round < 3; ++round) {
    std::vector<std::string> busy;
    for (int i = 0; i < system.config().max_concurrent_jobs; ++i)
      busy.push_back(submit(jobs, reference_spec(in, opt, static_cast<uint64_t>(i))));
    for (;;) {
      auto snapshot = jobs.find(busy.front());
      if (!snapshot || snapshot->frames_done >= opt.fps || vs::jobs::is_final(snapshot->state))
        break;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto start = clock_type::now();
    (void)jobs.cancel(busy.front());
    cancel_ms.push_back(seconds_since(start) * 1000);
    for (const auto& id : busy)
      (void)jobs.cancel(id);
  }
  std::sort(cancel_ms.begin(), cancel_ms.end());
  auto& counters = system.counters();

  std::printf("| measure | value |\n|---|---|\n");
  std::printf("| jobs | %d × (%.0f s narration, 5 JPEG 1024x1024, %s@%d, %s, CRF %d) |\n", opt.jobs, opt.seconds,
              opt.resolution.c_str(), opt.fps, opt.preset.c_str(), opt.crf);
  std::printf("| max concurrent jobs / renderers / cores / malloc arenas | %d / %d / %u / %s |\n",
              system.config().max_concurrent_jobs, system.config().renderers, std::thread::hardware_concurrency(),
              opt.arena_max > 0 ? std::to_string(opt.arena_max).c_str() : "glibc default");
  std::printf("| sequential wall time | %.2f s |\n", sequential);
  std::printf("| concurrent wall time | %.2f s |\n", concurrent);
  std::printf("| ratio concurrent / sequential | %.3f (target ≤ 1.05) |\n", concurrent / sequential);
  std::printf("| frames rendered (all phases so far) | %lld |\n", static_cast<long long>(stats.frames_rendered));
  std::printf("| stats() latency under full load p50 / p99 / max | %.2f / %.2f / %.2f ms (%zu calls) |\n",
              probe.percentile(0.5), probe.percentile(0.99), probe.samples_ms.empty() ? 0.0 : probe.samples_ms.back(),
              probe.samples_ms.size());
  std::printf("| peak RSS, 1 job queued (VmRSS max / VmHWM) | %.1f / %.1f MB |\n", one.peak_rss_kb / 1024.0,
              one.hwm_kb / 1024.0);
  std::printf("| peak RSS, %d jobs queued (VmRSS max / VmHWM) | %.1f / %.1f MB |\n", opt.queued,
              many.peak_rss_kb / 1024.0, many.hwm_kb / 1024.0);
  std::printf("| peak RSS, 1 job queued again afterwards (VmRSS max / VmHWM) | %.1f / %.1f MB |\n",
              again.peak_rss_kb / 1024.0, again.hwm_kb / 1024.0);
  std::printf("| VmRSS growth when 1000 jobs are queued at once (2 running) | %.1f MB (%.1f KB per queued job) |\n",
              queue_cost_kb / 1024.0, static_cast<double>(queue_cost_kb) / 1000.0);
  std::printf("| cancel of a running job, min / max of 3 (returns once cancelled and cleaned up) | %.0f / %.0f ms |\n",
              cancel_ms.front(), cancel_ms.back());
  std::printf("| frame buffers alive at once (peak) / per-job frames in flight (peak) / credits | %lld / %lld / %d |\n",
              static_cast<long long>(counters.peak_frame_buffers.load()),
              static_cast<long long>(counters.peak_job_frames_in_flight.load()), system.config().credits_per_job);
  started->reset();
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
