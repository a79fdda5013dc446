/// bench_memory_calibration: media/memory_estimate against real renders.
/// Each case runs one job through the service's job system in a fresh child
/// process (fork before any thread exists): the child starts the job system,
/// notes VmRSS once it is idle, renders the job and reports VmHWM. The job's
/// measured memory is the peak minus that idle baseline; the estimate must
/// be above it (an upper bound) and not far above. Prints a markdown table.
///
/// Inputs (ffmpeg CLI): 1600x1200 JPEG slides and narrations of the lengths
/// the cases ask for. Run with no argument for the whole table, or
/// `--case N` for one row.

#include "actors/job_service_facade.hpp"
#include "media/confined_file.hpp"
#include "media/decode_cost.hpp"
#include "media/image_probe.hpp"
#include "media/memory_estimate.hpp"
#include "tests/support/process_memory.hpp"

#include <CLI/CLI.hpp>
#include <spdlog/spdlog.h>

extern "C" {
#include <libavutil/log.h>
}

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <malloc.h>
#include <string>
#include <sys/wait.h>
#include <unistd.h>
#include <vector>

namespace fs = std::filesystem;

namespace {

struct render_case {
  const char* name;
  int width;
  int height;
  const char* preset;
  int lookahead;
  double zoom;
  double seconds;  ///< narration
  int slides;
  int fps;
};

// Sizes, presets, zoom and lookahead across what jobs ask for, a long
// narration (the per-second part) and many short slides (the slide window).
const std::vector<render_case> cases = {
  {"360p ultrafast", 640, 360, "ultrafast", 20, 1.1, 6, 4, 24},
  {"720p medium", 1280, 720, "medium", 20, 1.1, 6, 4, 24},
  {"1080p medium (defaults)", 1920, 1080, "medium", 20, 1.1, 6, 4, 24},
  {"1080p medium, zoom 2, lookahead 60", 1920, 1080, "medium", 60, 2.0, 6, 4, 24},
  {"1080p veryfast, lookahead 40", 1920, 1080, "veryfast", 40, 1.1, 6, 4, 24},
  {"1080p slow", 1920, 1080, "slow", 20, 1.1, 6, 4, 24},
  {"4K veryfast, zoom 1.5", 3840, 2160, "veryfast", 20, 1.5, 4, 3, 24},
  {"720p zoom 4, 100 short slides", 1280, 720, "veryfast", 20, 4.0, 5, 100, 24},
  {"180p ultrafast, 20 min narration", 320, 180, "ultrafast", 0, 1.1, 1200, 4, 12},
};

void run(const std::string& command) {
  if (std::system((command + " >/dev/null 2>&1").c_str()) != 0) {
    std::cerr << "failed: " << command << "\n";
    std::exit(1);
  }
}

std::string narration(const fs::path& dir, double seconds) {
  std::string path = (dir / ("narration-" + std::to_string(static_cast<int>(seconds)) + ".mp3")).string();
  if (!fs::exists(path))
    run("ffmpeg -y -f lavfi -i 'sine=frequency=220:sample_rate=24000:duration=" + std::to_string(seconds) +
        "' -ac 1 -b:a 64k '" + path + "'");
  return path;
}

std::string source_size = "1600x1200";

std::vector<std::string> slides(const fs::path& dir, int count) {
  const char* sources[] = {"testsrc2", "mandelbrot", "smptehdbars", "testsrc", "rgbtestsrc"};
  std::vector<std::string> paths;
  for (int i = 0; i < count; ++i) {
    std::string path = (dir / ("slide" + std::to_string(i % 5) + "-" + source_size + ".jpg")).string();
    if (!fs::exists(path))
      run(std::string("ffmpeg -y -f lavfi -i ") + sources[i % 5] + "=size=" + source_size +
          ":rate=1 -frames:v 1 -q:v 3 '" + path + "'");
    paths.push_back(path);
  }
  return paths;
}

/// The most the decoder pool (two decodes at once) holds for these slides:
/// the dearest one's decode cost (media/decode_cost), twice.
int64_t decode_bytes(const std::vector<std::string>& paths) {
  int64_t dearest = 0;
  for (const auto& path : paths) {
    auto file = vs::media::confined_file::open(path, {}, "image", vs::media::image_decode_limits{}.max_file_bytes);
    auto header = vs::media::probe_image_file(path, {}, {});
    if (!file || !header)
      continue;
    const auto bytes = vs::media::image_bytes::in_file(file->descriptor(), static_cast<uint64_t>(file->size()));
    dearest = std::max(dearest, vs::media::estimate_decode_cost(bytes, header->width, header->height).bytes);
  }
  return std::min<int64_t>(2, static_cast<int64_t>(paths.size())) * dearest;
}

vs::media::render_spec spec_of(const render_case& c, const fs::path& dir) {
  vs::media::render_spec spec;
  spec.audio_path = narration(dir, c.seconds);
  spec.image_paths = slides(dir, c.slides);
  spec.width = c.width;
  spec.height = c.height;
  spec.fps = c.fps;
  spec.preset = c.preset;
  spec.lookahead = c.lookahead;
  spec.zoom_factor = c.zoom;
  return spec;
}

struct measured {
  int64_t idle_kb = 0;
  int64_t peak_kb = 0;
  double video_seconds = 0;
  bool ok = false;
};

/// In the child: the job system as `serve` runs it, one job.
measured render_in_child(const vs::media::render_spec& spec, const fs::path& dir) {
  // As serve does: few arenas, and large blocks always mapped (returned to
  // the system when freed) rather than left in an arena.
  mallopt(M_ARENA_MAX, 4);
  if (std::getenv("NO_MMAP_THRESHOLD") == nullptr)
    mallopt(M_MMAP_THRESHOLD, 1 << 20);
  spdlog::set_level(spdlog::level::warn);
  av_log_set_level(AV_LOG_ERROR);
  vs::actors::job_system_config config;
  config.output_dir = (dir / "output").string();
  config.max_concurrent_jobs = 1;
  auto system = vs::actors::start_job_system(config);
  measured result;
  if (!system)
    return result;
  result.idle_kb = vs::test::proc_status_kb("VmRSS");
  vs::test::reset_peak_rss();
  auto& jobs = (*system)->service();
  auto id = jobs.submit(spec);
  if (!id) {
    std::cerr << "submit: " << id.error().message << "\n";
    return result;
  }
  auto done = jobs.wait(*id, std::chrono::hours(2));
  result.peak_kb = vs::test::proc_status_kb("VmHWM");
  result.ok = done && done->state == vs::jobs::job_state::success;
  if (done && done->result)
    result.video_seconds = done->result->duration_seconds;
  if (!result.ok)
    std::cerr << "job failed: " << (done && done->failure ? done->failure->message : "?") << "\n";
  return result;
}

measured measure(const vs::media::render_spec& spec, const fs::path& dir) {
  int pipe_fds[2];
  if (pipe(pipe_fds) != 0)
    return {};
  pid_t child = fork();
  if (child == 0) {
    close(pipe_fds[0]);
    measured result = render_in_child(spec, dir);
    ssize_t written = write(pipe_fds[1], &result, sizeof result);
    _exit(written == sizeof result ? 0 : 1);
  }
  close(pipe_fds[1]);
  measured result;
  if (read(pipe_fds[0], &result, sizeof result) != sizeof result)
    result.ok = false;
  close(pipe_fds[0]);
  int status = 0;
  waitpid(child, &status, 0);
  return result;
}

double mb(int64_t bytes) { return static_cast<double>(bytes) / (1 << 20); }

} // namespace

int main(int argc, char** argv) {
  int only = -1;
  CLI::App app{"bench_memory_calibration: the job memory estimate against real renders"};
  app.add_option("--case", only, "Run only this row (0-based)");
  app.add_option("--source", source_size, "Size of the JPEG slides (default 1600x1200)");
  CLI11_PARSE(app, argc, argv);

  fs::path dir = fs::temp_directory_path() / ("bench-memory-" + std::to_string(getpid()));
  fs::create_directories(dir / "output");
  // The context the service's job system resolves on this machine.
  vs::actors::job_system_config defaults;
  defaults.renderers = 0;
  defaults.max_concurrent_jobs = 1;
  auto probe = vs::actors::start_job_system(defaults);
  if (!probe) {
    std::cerr << probe.error().message << "\n";
    return 1;
  }
  const auto resolved = (*probe)->config();
  probe->reset();
  const vs::media::memory_context context = vs::actors::memory_context_of(resolved);
  std::printf("cores %d (x264 threads auto), renderers %d, frames in flight %d, slide window %d\n\n",
              context.hardware_threads, context.render_threads, context.frames_in_flight, context.resident_slides);
  std::printf("slides: JPEG %s\n\n", source_size.c_str());
  std::printf("| case | job estimate MB (slides + frames + x264 + audio + other) | decoders MB | estimate + decoders | "
              "measured MB (peak − idle) | ratio |\n|---|---|---|---|---|---|\n");
  std::fflush(stdout);
  for (size_t i = 0; i < cases.size(); ++i) {
    if (only >= 0 && static_cast<size_t>(only) != i)
      continue;
    const render_case& c = cases[i];
    vs::media::render_spec spec = spec_of(c, dir);
    measured m = measure(spec, dir);
    if (!m.ok) {
      std::printf("| %s | failed | | |\n", c.name);
      continue;
    }
    auto estimate = vs::media::estimate_job_memory(spec, context, m.video_seconds);
    double decoders = mb(decode_bytes(spec.image_paths));
    double bound = mb(estimate.total()) + decoders;
    double job = static_cast<double>(m.peak_kb - m.idle_kb) / 1024;
    std::printf("| %s | %.0f (%.0f + %.0f + %.0f + %.1f + %.0f) | %.0f | %.0f | %.0f (%.0f − %.0f) | %.2f |\n", c.name,
                mb(estimate.total()), mb(estimate.slide_images), mb(estimate.frame_buffers), mb(estimate.encoder),
                mb(estimate.audio), mb(estimate.other), decoders, bound, job, m.peak_kb / 1024.0, m.idle_kb / 1024.0,
                bound / job);
    std::fflush(stdout);
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  return 0;
}
