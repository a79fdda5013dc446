#include "tests/support/process.hpp"

#include "tests/support/temp_dir.hpp"

#include <cstdio>
#include <fstream>
#include <sstream>
#include <sys/wait.h>

namespace vs::test {

command_output capture_command(const std::string& command) {
  temp_dir dir;
  std::string out_file = dir.file("stdout");
  std::string err_file = dir.file("stderr");
  std::string full = command + " >" + shell_quote(out_file) + " 2>" + shell_quote(err_file) + " </dev/null";
  int status = std::system(full.c_str());
  command_output result;
  result.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  auto slurp = [](const std::string& path) {
    std::ifstream in(path);
    std::stringstream text;
    text << in.rdbuf();
    return text.str();
  };
  result.out = slurp(out_file);
  result.err = slurp(err_file);
  return result;
}

std::string shell_quote(const std::string& text) {
  std::string quoted = "'";
  for (char c : text) {
    if (c == '\'')
      quoted += "'\\''";
    else
      quoted += c;
  }
  return quoted + "'";
}

std::string video_service_binary() {
#ifdef VS_BINARY_DIR
  return std::string(VS_BINARY_DIR) + "/video-service";
#else
  return "video-service";
#endif
}

} // namespace vs::test
