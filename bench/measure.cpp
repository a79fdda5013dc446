/// measure: runs a command and prints its wall time and peak resident memory
/// (the largest ru_maxrss among its process tree's waited-for children) as
/// one JSON line on stderr. Used by bench/compare; avoids depending on GNU time.

#include <chrono>
#include <cstdio>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: measure COMMAND [ARGS...]\n");
    return 2;
  }
  auto start = std::chrono::steady_clock::now();
  pid_t child = fork();
  if (child == 0) {
    execvp(argv[1], argv + 1);
    std::perror("exec");
    _exit(127);
  }
  int status = 0;
  rusage usage{};
  if (wait4(child, &status, 0, &usage) < 0) {
    std::perror("wait4");
    return 1;
  }
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  // The command itself may be a shell whose children did the work.
  rusage children{};
  getrusage(RUSAGE_CHILDREN, &children);
  long peak_kb = usage.ru_maxrss > children.ru_maxrss ? usage.ru_maxrss : children.ru_maxrss;
  double cpu = static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
               static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
  std::fprintf(stderr, "{\"wall_seconds\":%.3f,\"cpu_seconds\":%.3f,\"peak_rss_mb\":%.1f,\"exit\":%d}\n", seconds,
               cpu, static_cast<double>(peak_kb) / 1024.0, WIFEXITED(status) ? WEXITSTATUS(status) : -1);
  return WIFEXITED(status) ? WEXITSTATUS(status) : 1;
}
