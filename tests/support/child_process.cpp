#include "tests/support/child_process.hpp"

#include <csignal>
#include <cstdlib>
#include <fcntl.h>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <sys/resource.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vs::test {

child_process::child_process(const std::vector<std::string>& argv,
                             const std::map<std::string, std::string>& environment, std::string log_path)
    : log_path_(std::move(log_path)) {
  pid_ = fork();
  if (pid_ < 0)
    throw std::runtime_error("fork failed");
  if (pid_ == 0) {
    for (const auto& [name, value] : environment)
      setenv(name.c_str(), value.c_str(), 1);
    int log = open(log_path_.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
    if (log >= 0) {
      dup2(log, STDOUT_FILENO);
      dup2(log, STDERR_FILENO);
    }
    std::vector<char*> args;
    for (const auto& arg : argv)
      args.push_back(const_cast<char*>(arg.c_str()));
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
}

child_process::~child_process() {
  if (running()) {
    kill(pid_, SIGCONT);
    kill(pid_, SIGKILL);
    wait(std::chrono::seconds(10));
  }
}

void child_process::signal(int number) const { kill(pid_, number); }

bool child_process::running() { return !wait(std::chrono::milliseconds(0)).has_value(); }

std::optional<int> child_process::wait(std::chrono::milliseconds timeout) {
  if (exit_code_)
    return exit_code_;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  do {
    int status = 0;
    struct rusage usage {};
    if (wait4(pid_, &status, WNOHANG, &usage) == pid_) {
      exit_code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      peak_rss_kb_ = usage.ru_maxrss;  // Linux: kB
      return exit_code_;
    }
    if (timeout.count() > 0)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  } while (std::chrono::steady_clock::now() < deadline);
  return std::nullopt;
}

std::string child_process::log() const {
  std::ifstream in(log_path_);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

} // namespace vs::test
