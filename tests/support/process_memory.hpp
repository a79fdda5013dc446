#pragma once
/// This process's resident memory, from /proc/self/status (Linux): for
/// tests and benchmarks that bound or measure memory. Header-only so the
/// bench programs can use it too.

#include <cstdint>
#include <fstream>
#include <functional>
#include <string>
#include <sys/wait.h>
#include <unistd.h>

namespace vs::test {

/// False under AddressSanitizer: its shadow memory, redzones and quarantine
/// make RSS several times the program's own, so RSS bounds cannot hold.
#if defined(__SANITIZE_ADDRESS__)
constexpr bool rss_is_meaningful = false;
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
constexpr bool rss_is_meaningful = false;
#else
constexpr bool rss_is_meaningful = true;
#endif
#else
constexpr bool rss_is_meaningful = true;
#endif

/// kB from a "Name:   123 kB" line of /proc/self/status (VmRSS, VmHWM), or -1.
inline int64_t proc_status_kb(const std::string& name) {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line))
    if (line.rfind(name + ":", 0) == 0)
      return std::stoll(line.substr(name.size() + 1));
  return -1;
}

/// VmHWM := VmRSS (Linux ≥ 4.0), so VmHWM afterwards is the peak of what follows.
inline void reset_peak_rss() {
  std::ofstream clear("/proc/self/clear_refs");
  clear << "5";
}

/// Runs `measure` in a fork of this process and returns what it returned,
/// or -1 if the child failed: a fresh process's peak RSS, which memory
/// freed by earlier tests would otherwise hide.
inline int64_t in_child_process(const std::function<int64_t()>& measure) {
  int fds[2];
  if (pipe(fds) != 0)
    return -1;
  pid_t child = fork();
  if (child < 0)
    return -1;
  if (child == 0) {
    close(fds[0]);
    int64_t value = measure();
    _exit(write(fds[1], &value, sizeof value) == sizeof value ? 0 : 1);
  }
  close(fds[1]);
  int64_t value = -1;
  if (read(fds[0], &value, sizeof value) != sizeof value)
    value = -1;
  close(fds[0]);
  int code = 0;
  waitpid(child, &code, 0);
  return WIFEXITED(code) && WEXITSTATUS(code) == 0 ? value : -1;
}

} // namespace vs::test
