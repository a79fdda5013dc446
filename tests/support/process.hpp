#pragma once
/// Runs a shell command and captures its exit code, stdout and stderr.

#include <string>

namespace vs::test {

struct command_output {
  int exit_code = -1;
  std::string out;
  std::string err;
};

command_output capture_command(const std::string& command);

/// Single-quotes `text` for /bin/sh.
std::string shell_quote(const std::string& text);

/// Path of the built video-service binary.
std::string video_service_binary();

} // namespace vs::test
