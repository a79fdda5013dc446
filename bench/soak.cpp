/// bench_soak: the Redis worker under faults, end to end (issue 7's soak).
///
/// A real redis-server (AOF) and N real `video-service serve` workers share
/// T small tasks, each with one consumer. Meanwhile: every K seconds a
/// random worker other than w1 is SIGKILLed and restarted (alternately with
/// the same worker id, as a restarted container, and with a new one, so both
/// the start-up recovery and the reaper are exercised); Redis is restarted
/// once, sleeps once (`DEBUG SLEEP 5`) and is BUSY once (a looping script,
/// 3 s, then SCRIPT KILL). w1 is never killed: its RSS is followed over the
/// whole run.
///
/// At the end it checks: every task succeeded, every consumer was triggered
/// exactly once (its count is 0, not below, and it is on its queue once),
/// no task is processing, every processing list is empty, the dead queue is
/// empty, no partial file is left in the output folder; and prints the
/// figures (wall time, renders per task, attempts, w1's RSS at each quarter).
/// Exit code 1 if a check fails. Not a test: it runs for minutes.

#include "tests/worker/worker_fixture.hpp"

#include <CLI/CLI.hpp>

#include <algorithm>
#include <csignal>
#include <map>
#include <fstream>
#include <iostream>
#include <random>
#include <sstream>
#include <thread>

using namespace vs::test;
using clock_type = std::chrono::steady_clock;

namespace {

struct options {
  int workers = 3;
  int tasks = 300;
  int kill_every = 10;
  double audio_seconds = 2.0;
  std::string resolution = "320x180";
  int timeout = 900;
};

/// kB of resident memory of a process, -1 if it is gone.
int64_t rss_kb(pid_t pid) {
  std::ifstream status("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind("VmRSS:", 0) == 0)
      return std::stoll(line.substr(6));
  return -1;
}

int count_lines(const std::string& text) {
  int lines = 0;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);)
    lines += line.empty() ? 0 : 1;
  return lines;
}

size_t count_of(const std::string& text, const std::string& what) {
  size_t found = 0;
  for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + what.size()))
    ++found;
  return found;
}

struct worker_slot {
  std::string id;
  int restarts = 0;
  std::unique_ptr<child_process> process;
};

class soak {
public:
  explicit soak(options opt) : opt_(std::move(opt)), pipeline_(true) {}

  int run() {
    prepare();
    for (int i = 1; i <= opt_.workers; ++i)
      slots_.push_back({"w" + std::to_string(i), 0, start("w" + std::to_string(i))});
    start_ = clock_type::now();
    pipeline_.redis.cli({"EVAL", "for i = 1, tonumber(ARGV[1]) do redis.call('LPUSH', KEYS[1], 'soak' .. i) end",
                         "1", "queue:video-service", std::to_string(opt_.tasks)});
    chaos_until_done();
    return report();
  }

private:
  std::unique_ptr<child_process> start(const std::string& id) {
    return pipeline_.start_worker(id, {{"WORKER_LEASE_SECONDS", "3"}, {"MAX_ATTEMPTS", "10"}});
  }

  /// One shared voice track and two slides; T video tasks, each with one
  /// consumer waiting on it alone, written in one script.
  void prepare() {
    auto slides = pipeline_.upstream("u", opt_.audio_seconds);
    std::string params = R"({"fps":12,"resolution":")" + opt_.resolution + R"(","preset":"ultrafast"})";
    pipeline_.redis.cli(
      {"EVAL",
       "for i = 1, tonumber(ARGV[1]) do "
       "  local id = 'soak' .. i "
       "  redis.call('HSET', 'task:' .. id .. '-upload', 'service', 'upload-service', 'status', 'pending', 'queue', '1') "
       "  redis.call('HSET', 'task:' .. id, 'id', id, 'service', 'video-service', 'name', 'CreateVideoFromSlides', "
       "             'status', 'pending', 'queue', '0', 'consumers', '[\"' .. id .. '-upload\"]', "
       "             'voice_track_id', 'u-voice', 'slide_ids', ARGV[2], 'params', ARGV[3]) "
       "end",
       "0", std::to_string(opt_.tasks), "[\"" + slides[0] + "\",\"" + slides[1] + "\"]", params});
  }

  int succeeded() {
    return std::stoi(pipeline_.redis.cli(
      {"EVAL",
       "local n = 0 for i = 1, tonumber(ARGV[1]) do "
       "  if redis.call('HGET', 'task:soak' .. i, 'status') == 'success' then n = n + 1 end "
       "end return n",
       "0", std::to_string(opt_.tasks)}));
  }

  double elapsed() const { return std::chrono::duration<double>(clock_type::now() - start_).count(); }

  void event(const std::string& what) {
    std::cout << "  t=" << static_cast<int>(elapsed()) << " s: " << what << std::endl;
    events_.push_back(what);
  }

  void kill_random_worker() {
    if (slots_.size() < 2)
      return;
    std::uniform_int_distribution<size_t> pick(1, slots_.size() - 1);
    auto& slot = slots_[pick(random_)];
    slot.process->signal(SIGKILL);
    slot.process->wait(std::chrono::seconds(10));
    ++kills_;
    // Alternate: the same id (recovered at start-up) or a new one (reaped).
    std::string id = kills_ % 2 == 1 ? slot.id : slot.id.substr(0, 2) + "-r" + std::to_string(++slot.restarts);
    event("SIGKILL " + slot.id + ", restarted as " + id);
    slot.id = id;
    slot.process = start(id);
  }

  void chaos_until_done() {
    std::cout << "chaos:" << std::endl;
    std::thread sleeper;
    bool restarted = false, slept = false, busied = false;
    int next_kill = opt_.kill_every;
    while (elapsed() < opt_.timeout) {
      int done = succeeded();
      sample_rss(done);
      if (done >= opt_.tasks)
        break;
      double t = elapsed();
      if (t >= next_kill) {
        kill_random_worker();
        next_kill += opt_.kill_every;
      } else if (!restarted && t >= 15) {
        pipeline_.redis.stop();
        std::this_thread::sleep_for(std::chrono::seconds(1));
        pipeline_.redis.start();
        restarted = true;
        event("Redis restarted (down 1 s)");
      } else if (!slept && t >= 25) {
        sleeper = std::thread([this] { pipeline_.redis.cli({"DEBUG", "SLEEP", "5"}); });
        slept = true;
        event("DEBUG SLEEP 5");
      } else if (!busied && t >= 35) {
        pipeline_.redis.begin_busy();
        std::this_thread::sleep_for(std::chrono::seconds(3));
        pipeline_.redis.end_busy();
        busied = true;
        event("BUSY for 3 s, then SCRIPT KILL");
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(500));
    }
    if (sleeper.joinable())
      sleeper.join();
    wall_ = elapsed();
    if (!restarted || !slept || !busied)
      std::cout << "  (the tasks were done before every fault had happened: raise --tasks)" << std::endl;
  }

  /// w1's RSS, kept once for each quarter of the tasks done.
  void sample_rss(int done) {
    int64_t rss = rss_kb(slots_.front().process->pid());
    int quarter = std::min(4, done * 4 / std::max(1, opt_.tasks));
    if (rss > 0 && rss_at_quarter_.count(quarter) == 0)
      rss_at_quarter_[quarter] = rss;
    if (rss > 0)
      rss_last_ = rss;
  }

  bool check(bool ok, const std::string& what) {
    std::cout << (ok ? "  ok    " : "  FAIL  ") << what << "\n";
    return ok;
  }

  int report() {
    auto& redis = pipeline_.redis;
    int ok_tasks = succeeded();
    std::string counts = redis.cli(
      {"EVAL",
       "local bad, processing, attempts, renders = {}, 0, {}, 0 "
       "for i = 1, tonumber(ARGV[1]) do "
       "  local id = 'soak' .. i "
       "  if redis.call('HGET', 'task:' .. id .. '-upload', 'queue') ~= '0' then table.insert(bad, id) end "
       "  if redis.call('HGET', 'task:' .. id, 'status') == 'processing' then processing = processing + 1 end "
       "  local a = redis.call('HGET', 'task:' .. id, 'attempts') or '?' "
       "  attempts[a] = (attempts[a] or 0) + 1 "
       "end "
       "local histogram = '' "
       "for a, n in pairs(attempts) do histogram = histogram .. ' ' .. a .. ':' .. n end "
       "return #bad .. ' ' .. processing .. ' |' .. histogram",
       "0", std::to_string(opt_.tasks)});
    int bad_consumers = std::stoi(counts);
    int processing = std::stoi(counts.substr(counts.find(' ') + 1));
    std::string histogram = counts.substr(counts.find('|') + 1);

    std::string uploads = redis.cli({"LRANGE", "queue:upload-service", "0", "-1"});
    std::map<std::string, int> pushes;
    std::istringstream in(uploads);
    for (std::string id; std::getline(in, id);)
      ++pushes[id];
    bool once_each = static_cast<int>(pushes.size()) == opt_.tasks &&
                     std::all_of(pushes.begin(), pushes.end(), [](const auto& p) { return p.second == 1; });

    int in_lists = 0;
    std::istringstream listed(redis.cli({"KEYS", "video-service:processing:*"}));
    for (std::string key; std::getline(listed, key);)
      if (!key.empty())
        in_lists += std::stoi(redis.cli({"LLEN", key}));
    int dead = std::stoi(redis.cli({"LLEN", "queue:video-service:dead"}));

    int partial = 0, videos = 0;
    for (const auto& entry : std::filesystem::directory_iterator(pipeline_.output_dir() + "/video")) {
      if (entry.path().filename().string().rfind(".", 0) == 0)
        ++partial;
      else
        ++videos;
    }
    std::string logs;
    for (const auto& entry : std::filesystem::directory_iterator(pipeline_.dir.path()))
      if (entry.path().extension() == ".log") {
        std::ifstream log(entry.path());
        std::stringstream text;
        text << log.rdbuf();
        logs += text.str();
      }
    size_t renders = count_of(logs, " succeeded: ");

    std::cout << "\nfigures:\n"
              << "  tasks " << opt_.tasks << ", workers " << opt_.workers << ", " << opt_.resolution << ", "
              << opt_.audio_seconds << " s of audio each\n"
              << "  wall time " << wall_ << " s (" << ok_tasks / std::max(wall_, 1e-9) << " tasks/s)\n"
              << "  faults: " << kills_ << " SIGKILLs, " << events_.size() - kills_ << " Redis faults\n"
              << "  renders that reached the end: " << renders << " for " << opt_.tasks
              << " tasks (at-least-once rendering)\n"
              << "  attempts per task (attempts:tasks):" << histogram << "\n"
              << "  worker log: " << count_of(logs, "retrying until it lands") << " writes retried, "
              << count_of(logs, "resumed from this worker") << " claims resumed from a worker's own list, "
              << count_of(logs, "left by an earlier run") << " ids recovered at start-up, "
              << count_of(logs, "of a dead worker") << " reaped, " << count_of(logs, "lease lost") << " lease-lost, "
              << count_of(logs, "failed for good") << " writes refused for good\n"
              << "  w1 RSS (MB) at 0/4, 1/4, 2/4, 3/4 of the tasks, and at the end:";
    for (int q = 0; q < 4; ++q)
      std::cout << " " << (rss_at_quarter_.count(q) ? std::to_string(rss_at_quarter_[q] / 1024) : "-");
    std::cout << " " << rss_last_ / 1024 << "\n\nchecks:\n";
    bool ok = true;
    ok &= check(ok_tasks == opt_.tasks, std::to_string(ok_tasks) + "/" + std::to_string(opt_.tasks) + " tasks succeeded");
    ok &= check(bad_consumers == 0, "every consumer's count is 0 (" + std::to_string(bad_consumers) + " are not)");
    ok &= check(once_each, "every consumer is on its queue exactly once (" + std::to_string(count_lines(uploads)) +
                             " pushes for " + std::to_string(pushes.size()) + " consumers)");
    ok &= check(processing == 0, std::to_string(processing) + " tasks processing");
    ok &= check(in_lists == 0, std::to_string(in_lists) + " ids left in processing lists");
    ok &= check(dead == 0, std::to_string(dead) + " tasks on the dead queue");
    ok &= check(videos == opt_.tasks, std::to_string(videos) + " videos in the output folder");
    ok &= check(partial == 0, std::to_string(partial) + " partial files left in the output folder");
    return ok ? 0 : 1;
  }

  options opt_;
  pipeline_fixture pipeline_;
  std::vector<worker_slot> slots_;
  std::mt19937 random_{7};
  clock_type::time_point start_;
  std::vector<std::string> events_;
  size_t kills_ = 0;
  double wall_ = 0;
  std::map<int, int64_t> rss_at_quarter_;
  int64_t rss_last_ = 0;
};

} // namespace

int main(int argc, char** argv) {
  options opt;
  CLI::App app{"bench_soak: N workers x T tasks on a real Redis, with worker kills and Redis faults"};
  app.add_option("--workers", opt.workers, "Worker processes (default 3)");
  app.add_option("--tasks", opt.tasks, "Video tasks (default 300)");
  app.add_option("--kill-every", opt.kill_every, "Seconds between SIGKILLs (default 10)");
  app.add_option("--audio-seconds", opt.audio_seconds, "Length of each video (default 2)");
  app.add_option("--resolution", opt.resolution, "WIDTHxHEIGHT (default 320x180)");
  app.add_option("--timeout", opt.timeout, "Give up after this many seconds (default 900)");
  CLI11_PARSE(app, argc, argv);
  return soak(opt).run();
}
