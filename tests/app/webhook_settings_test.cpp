// `serve` refuses WEBHOOK_* settings it cannot use, before it listens.

#include "tests/support/process.hpp"
#include "tests/support/redis_server.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace vs::test;

namespace {

command_output serve_with(const std::string& variable, const std::string& value) {
  temp_dir dir;
  return capture_command(variable + "=" + shell_quote(value) + " OUTPUT_DIR=" + shell_quote(dir.file("out")) + " " +
                         shell_quote(video_service_binary()) + " serve --host 127.0.0.1 --port " +
                         std::to_string(free_port()));
}

} // namespace

TEST_CASE("serve exits 2 naming a WEBHOOK_* setting it cannot use", "[app][webhooks]") {
  const std::string hint =
    "; webhooks go only to public addresses unless WEBHOOK_ALLOWED_HOSTS names the host";
  const std::pair<std::pair<const char*, const char*>, std::string> cases[] = {
    {{"WEBHOOK_URL", "ftp://hooks.example.com/"}, "WEBHOOK_URL must be an http:// or https:// URL"},
    {{"WEBHOOK_URL", "https://user:pw@hooks.example.com/"},
     "WEBHOOK_URL must not contain user credentials (user:password@)"},
    {{"WEBHOOK_URL", "http://10.0.0.8/hook"}, "WEBHOOK_URL host 10.0.0.8 is a private address (10.0.0.0/8)" + hint},
    {{"WEBHOOK_ALLOWED_HOSTS", "ok.internal, http://bad/"},
     "WEBHOOK_ALLOWED_HOSTS: 'http://bad/' is not a host, host:port or [IPv6]:port"},
    {{"WEBHOOK_RETRY_SECONDS", "-1"}, "WEBHOOK_RETRY_SECONDS must be 0..604800 seconds, not -1"},
    {{"WEBHOOK_TIMEOUT_SECONDS", "0"}, "WEBHOOK_TIMEOUT_SECONDS must be 0.1..300 seconds, not 0"},
    {{"WEBHOOK_CONCURRENCY", "0"}, "WEBHOOK_CONCURRENCY must be 1..64, not 0"},
  };
  for (const auto& [setting, message] : cases) {
    INFO(setting.first << "=" << setting.second);
    auto run = serve_with(setting.first, setting.second);
    CHECK(run.exit_code == 2);
    CHECK(run.err == "video-service serve: " + message + "\n");
  }
}
