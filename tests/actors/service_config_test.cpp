// `serve` configuration from the environment. app/service_config.cpp is
// compiled into this binary directly: it has no dependencies beyond media/error.

#include "app/service_config.cpp"

#include <catch2/catch.hpp>

#include <map>

using namespace vs;

namespace {

app::environment_lookup environment(std::map<std::string, std::string> values) {
  auto stored = std::make_shared<std::map<std::string, std::string>>(std::move(values));
  return [stored](const char* name) -> const char* {
    auto found = stored->find(name);
    return found == stored->end() ? nullptr : found->second.c_str();
  };
}

} // namespace

TEST_CASE("serve configuration defaults without any variable", "[actors][config]") {
  auto config = app::service_config_from_environment(environment({}));
  REQUIRE(config);
  CHECK(config->output_dir == "/app/output");
  CHECK(config->port == 8004);
  CHECK(config->max_concurrent_jobs == 0);
  CHECK(config->grace == std::chrono::seconds(30));
  CHECK(config->effective_media_roots() == std::vector<std::string>{"/app/output"});
  CHECK_FALSE(config->redis_enabled());
  CHECK(config->redis_port == 6379);
}

TEST_CASE("serve configuration reads every variable", "[actors][config]") {
  auto config = app::service_config_from_environment(environment({{"OUTPUT_DIR", "/data/out"},
                                                                   {"VIDEO_SERVICE_PORT", "9000"},
                                                                   {"MEDIA_ROOTS", "/data/out::/srv/media:"},
                                                                   {"MAX_CONCURRENT_JOBS", "3"},
                                                                   {"SHUTDOWN_GRACE_SECONDS", "2.5"},
                                                                   {"REDIS_HOST", "redis"},
                                                                   {"REDIS_PORT", "6380"},
                                                                   {"WORKER_ID", "render-7"},
                                                                   {"WORKER_LEASE_SECONDS", "4"},
                                                                   {"MAX_ATTEMPTS", "5"},
                                                                   {"DEPENDENCY_TIMEOUT", "90"}}));
  REQUIRE(config);
  CHECK(config->output_dir == "/data/out");
  CHECK(config->port == 9000);
  CHECK(config->effective_media_roots() == std::vector<std::string>{"/data/out", "/srv/media"});
  CHECK(config->max_concurrent_jobs == 3);
  CHECK(config->grace == std::chrono::milliseconds(2500));
  CHECK(config->redis_enabled());
  CHECK(config->redis_host == "redis");
  CHECK(config->redis_port == 6380);
  CHECK(config->worker_id == "render-7");
  CHECK(config->lease == std::chrono::seconds(4));
  CHECK(config->max_attempts == 5);
  CHECK(config->dependency_timeout == std::chrono::seconds(90));
  CHECK(app::service_config_from_environment(environment({{"REDIS_URL", "redis://r:6379/0"}}))->redis_enabled());
}

TEST_CASE("serve configuration refuses bad numbers naming the variable", "[actors][config]") {
  auto port = app::service_config_from_environment(environment({{"VIDEO_SERVICE_PORT", "80a"}}));
  REQUIRE_FALSE(port);
  CHECK(port.error().code == errc::invalid_argument);
  CHECK(port.error().message == "VIDEO_SERVICE_PORT must be an integer, not '80a'");
  auto range = app::service_config_from_environment(environment({{"VIDEO_SERVICE_PORT", "70000"}}));
  REQUIRE_FALSE(range);
  CHECK(range.error().field == "VIDEO_SERVICE_PORT");
  auto jobs = app::service_config_from_environment(environment({{"MAX_CONCURRENT_JOBS", "-1"}}));
  REQUIRE_FALSE(jobs);
  CHECK(jobs.error().message == "MAX_CONCURRENT_JOBS must be 0..1024, not -1");
  auto lease = app::service_config_from_environment(environment({{"WORKER_LEASE_SECONDS", "0.2"}}));
  REQUIRE_FALSE(lease);
  CHECK(lease.error().field == "WORKER_LEASE_SECONDS");
  auto attempts = app::service_config_from_environment(environment({{"MAX_ATTEMPTS", "many"}}));
  REQUIRE_FALSE(attempts);
  CHECK(attempts.error().message == "MAX_ATTEMPTS must be an integer, not 'many'");
}
