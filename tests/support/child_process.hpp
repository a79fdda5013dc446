#pragma once
/// A child process the test controls: started with extra environment
/// variables, output to a log file, signalled, waited for, and killed if the
/// test ends early.

#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace vs::test {

class child_process {
public:
  child_process(const std::vector<std::string>& argv, const std::map<std::string, std::string>& environment,
                std::string log_path);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  void signal(int number) const;
  /// The exit code, or nullopt if it is still running after `timeout`
  /// (killed by a signal: 128 + signal).
  std::optional<int> wait(std::chrono::milliseconds timeout);
  bool running();
  std::string log() const;
  /// The child's peak resident memory in kB (its own, not its children's),
  /// known once wait() has seen it exit; -1 before.
  int64_t peak_rss_kb() const { return peak_rss_kb_; }

private:
  pid_t pid_ = -1;
  std::string log_path_;
  std::optional<int> exit_code_;
  int64_t peak_rss_kb_ = -1;
};

} // namespace vs::test
