#include "tests/support/redis_server.hpp"

#include "tests/support/process.hpp"

#include <arpa/inet.h>
#include <cctype>
#include <chrono>
#include <csignal>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdexcept>
#include <sys/socket.h>
#include <sys/wait.h>
#include <thread>
#include <unistd.h>

namespace vs::test {

int free_port() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  address.sin_port = 0;
  socklen_t length = sizeof address;
  if (fd < 0 || bind(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0 ||
      getsockname(fd, reinterpret_cast<sockaddr*>(&address), &length) != 0) {
    if (fd >= 0)
      close(fd);
    throw std::runtime_error("cannot find a free port");
  }
  close(fd);
  return ntohs(address.sin_port);
}

redis_server::redis_server(bool append_only) : port_(free_port()), append_only_(append_only) {
  // free_port() closes its socket before redis-server binds: another test's
  // process can take the port in between, so a refused start tries anew.
  for (int tries = 1;; ++tries) {
    try {
      start();
      return;
    } catch (const std::runtime_error&) {
      stop();
      if (tries == 3)
        throw;
      port_ = free_port();
    }
  }
}

redis_server::~redis_server() {
  end_busy();
  stop();
}

void redis_server::start() {
  pid_ = fork();
  if (pid_ == 0) {
    std::string port = std::to_string(port_);
    std::string dir = dir_.path().string();
    execlp("redis-server", "redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--dir", dir.c_str(),
           "--save", "", "--appendonly", append_only_ ? "yes" : "no", "--appendfsync", "always",
           "--daemonize", "no", "--enable-debug-command", "yes", "--logfile", (dir + "/redis.log").c_str(), static_cast<char*>(nullptr));
    _exit(127);
  }
  if (pid_ < 0)
    throw std::runtime_error("cannot fork redis-server");
  // Ours answers with its own pid: a PONG from another test's Redis on a
  // port taken in the meantime must not pass for this one.
  const std::string own_pid = "process_id:" + std::to_string(pid_);
  auto answers_as_ours = [&] {
    const std::string info = cli({"INFO", "server"});
    const auto at = info.find(own_pid);
    return at != std::string::npos &&
           (at + own_pid.size() == info.size() || !std::isdigit(static_cast<unsigned char>(info[at + own_pid.size()])));
  };
  for (int i = 0; i < 200; ++i) {
    if (answers_as_ours())
      return;
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("redis-server exited at start (is it installed?)");
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("redis-server did not answer PING within 5 s");
}

void redis_server::stop() {
  if (pid_ <= 0)
    return;
  kill(pid_, SIGTERM);
  int status = 0;
  waitpid(pid_, &status, 0);
  pid_ = -1;
}

void redis_server::begin_busy() {
  cli({"CONFIG", "SET", "lua-time-limit", "10"});
  busy_pid_ = fork();
  if (busy_pid_ == 0) {
    int null = open("/dev/null", O_WRONLY);
    dup2(null, STDOUT_FILENO);
    dup2(null, STDERR_FILENO);
    std::string port = std::to_string(port_);
    execlp("redis-cli", "redis-cli", "-p", port.c_str(), "EVAL", "while true do end", "0", static_cast<char*>(nullptr));
    _exit(127);
  }
  if (busy_pid_ < 0)
    throw std::runtime_error("cannot fork redis-cli");
  for (int i = 0; i < 200; ++i) {
    if (cli({"PING"}).rfind("BUSY", 0) == 0)
      return;
    std::this_thread::sleep_for(std::chrono::milliseconds(25));
  }
  throw std::runtime_error("Redis did not turn BUSY within 5 s");
}

void redis_server::end_busy() {
  if (busy_pid_ <= 0)
    return;
  cli({"SCRIPT", "KILL"});
  int status = 0;
  waitpid(busy_pid_, &status, 0);
  busy_pid_ = -1;
}

std::string redis_server::cli(const std::vector<std::string>& args) const {
  std::string command = "redis-cli -p " + std::to_string(port_);
  for (const auto& arg : args)
    command += " " + shell_quote(arg);
  auto output = capture_command(command);
  std::string text = output.out;
  while (!text.empty() && (text.back() == '\n' || text.back() == '\r'))
    text.pop_back();
  return text;
}

} // namespace vs::test
