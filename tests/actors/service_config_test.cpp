// `serve` configuration from the environment. app/service_config.cpp is
// compiled into this binary directly: it has no dependencies beyond media/error.

#include "app/service_config.cpp"

#include <catch2/catch.hpp>

#include <map>
#include <tuple>

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
  CHECK(config->max_queued_jobs == 256);
  CHECK(config->memory_budget_mb == 0);
  CHECK(config->max_job_memory_mb == 0);
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
                                                                   {"DEPENDENCY_TIMEOUT", "90"},
                                                                   {"MAX_QUEUED_JOBS", "12"},
                                                                   {"MEMORY_BUDGET_MB", "6144"},
                                                                   {"MAX_JOB_MEMORY_MB", "2048"},
                                                                   {"HTTP_MAX_CONNECTIONS", "64"},
                                                                   {"HTTP_MAX_SYNC_WAITS", "8"},
                                                                   {"HTTP_REQUEST_TIMEOUT_SECONDS", "12"},
                                                                   {"HTTP_MAX_BODY_MEMORY_MB", "16"}}));
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
  CHECK(config->max_queued_jobs == 12);
  CHECK(config->memory_budget_mb == 6144);
  CHECK(config->max_job_memory_mb == 2048);
  CHECK(config->http_max_connections == 64);
  CHECK(config->http_max_sync_waits == 8);
  CHECK(config->http_request_timeout == std::chrono::seconds(12));
  CHECK(config->http_max_body_memory_mb == 16);
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

// Issue 7, defect 14: VIDEO_SERVICE_PORT=4294975300 used to wrap to 8004.
TEST_CASE("serve configuration never wraps a number and refuses trailing junk", "[actors][config]") {
  auto refused = [](const char* name, const char* text) {
    auto config = app::service_config_from_environment(environment({{name, text}}));
    REQUIRE_FALSE(config);
    CHECK(config.error().code == errc::invalid_argument);
    CHECK(config.error().field == name);
    return config.error().message;
  };
  CHECK(refused("VIDEO_SERVICE_PORT", "4294975300") == "VIDEO_SERVICE_PORT must be 1..65535, not 4294975300");
  CHECK(refused("VIDEO_SERVICE_PORT", "99999999999999999999999") ==
        "VIDEO_SERVICE_PORT must be 1..65535, not 99999999999999999999999");
  CHECK(refused("VIDEO_SERVICE_PORT", "8004 ") == "VIDEO_SERVICE_PORT must be an integer, not '8004 '");
  CHECK(refused("VIDEO_SERVICE_PORT", " 8004") == "VIDEO_SERVICE_PORT must be an integer, not ' 8004'");
  CHECK(refused("VIDEO_SERVICE_PORT", "0x1f") == "VIDEO_SERVICE_PORT must be an integer, not '0x1f'");
  CHECK(refused("REDIS_PORT", "4294973675") == "REDIS_PORT must be 1..65535, not 4294973675");
  CHECK(refused("MAX_CONCURRENT_JOBS", "4294967297") == "MAX_CONCURRENT_JOBS must be 0..1024, not 4294967297");
  CHECK(refused("MAX_ATTEMPTS", "3.5") == "MAX_ATTEMPTS must be an integer, not '3.5'");
  CHECK(refused("MAX_QUEUED_JOBS", "0") == "MAX_QUEUED_JOBS must be 1..100000, not 0");
  CHECK(refused("HTTP_MAX_CONNECTIONS", "1024") == "HTTP_MAX_CONNECTIONS must be 1..900, not 1024");
  CHECK(refused("HTTP_MAX_SYNC_WAITS", "0") == "HTTP_MAX_SYNC_WAITS must be 1..900, not 0");
  CHECK(refused("HTTP_MAX_BODY_MEMORY_MB", "0") == "HTTP_MAX_BODY_MEMORY_MB must be 1..65536, not 0");
  CHECK(refused("HTTP_REQUEST_TIMEOUT_SECONDS", "0.5") == "HTTP_REQUEST_TIMEOUT_SECONDS must be 1..3600 seconds, not 0.5");
  CHECK(refused("MEMORY_BUDGET_MB", "18446744073709551617") ==
        "MEMORY_BUDGET_MB must be 0..16777216, not 18446744073709551617");
  CHECK(refused("MAX_JOB_MEMORY_MB", "-5") == "MAX_JOB_MEMORY_MB must be 0..16777216, not -5");
  CHECK(refused("SHUTDOWN_GRACE_SECONDS", "1e400") == "SHUTDOWN_GRACE_SECONDS must be 0..86400 seconds, not 1e400");
  CHECK(refused("SHUTDOWN_GRACE_SECONDS", "9e18") == "SHUTDOWN_GRACE_SECONDS must be 0..86400 seconds, not 9e18");
  CHECK(refused("SHUTDOWN_GRACE_SECONDS", "nan") == "SHUTDOWN_GRACE_SECONDS must be a number, not 'nan'");
  CHECK(refused("SHUTDOWN_GRACE_SECONDS", "inf") == "SHUTDOWN_GRACE_SECONDS must be a number, not 'inf'");
  CHECK(refused("WORKER_LEASE_SECONDS", "5s") == "WORKER_LEASE_SECONDS must be a number, not '5s'");
  CHECK(refused("DEPENDENCY_TIMEOUT", "-3") == "DEPENDENCY_TIMEOUT must be 1..604800 seconds, not -3");
  CHECK(refused("DEPENDENCY_TIMEOUT", "1e12") == "DEPENDENCY_TIMEOUT must be 1..604800 seconds, not 1e12");
  // The bounds themselves are accepted.
  auto edges = app::service_config_from_environment(
    environment({{"VIDEO_SERVICE_PORT", "65535"}, {"SHUTDOWN_GRACE_SECONDS", "0"}, {"MAX_QUEUED_JOBS", "100000"}}));
  REQUIRE(edges);
  CHECK(edges->port == 65535);
  CHECK(edges->grace == std::chrono::milliseconds(0));
}

TEST_CASE("a command-line value goes through the same strict reader, named as the option", "[actors][config]") {
  app::service_config config;
  auto port = app::apply_setting(config, "VIDEO_SERVICE_PORT", "4294975300", "--port");
  REQUIRE_FALSE(port);
  CHECK(port.error().message == "--port must be 1..65535, not 4294975300");
  CHECK(config.port == 8004);
  REQUIRE(app::apply_setting(config, "MAX_JOB_MEMORY_MB", "1024", "--max-job-memory-mb"));
  CHECK(config.max_job_memory_mb == 1024);
  config.port = 70000;
  auto valid = app::validate(config);
  REQUIRE_FALSE(valid);
  CHECK(valid.error().message == "VIDEO_SERVICE_PORT must be 1..65535, not 70000");
}

TEST_CASE("CHUNK_SECONDS defaults to 30, 0 turns chunking off, and is read strictly", "[actors][config]") {
  auto defaults = app::service_config_from_environment(environment({}));
  REQUIRE(defaults);
  CHECK(defaults->chunk_seconds == 30);
  auto off = app::service_config_from_environment(environment({{"CHUNK_SECONDS", "0"}}));
  REQUIRE(off);
  CHECK(off->chunk_seconds == 0);
  auto set = app::service_config_from_environment(environment({{"CHUNK_SECONDS", "45"}}));
  REQUIRE(set);
  CHECK(set->chunk_seconds == 45);
  for (auto [text, message] : std::vector<std::pair<std::string, std::string>>{
           {"-1", "CHUNK_SECONDS must be 0..3600, not -1"},
           {"3601", "CHUNK_SECONDS must be 0..3600, not 3601"},
           {"30s", "CHUNK_SECONDS must be an integer, not '30s'"},
           {"2.5", "CHUNK_SECONDS must be an integer, not '2.5'"}}) {
    auto refused = app::service_config_from_environment(environment({{"CHUNK_SECONDS", text}}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "CHUNK_SECONDS");
    CHECK(refused.error().message == message);
  }
}

TEST_CASE("CORS_ORIGINS and LOG_FORMAT are read strictly", "[actors][config]") {
  auto config = app::service_config_from_environment(
      environment({{"CORS_ORIGINS", " https://app.example , http://localhost:3000,"}, {"LOG_FORMAT", "json"}}));
  REQUIRE(config);
  CHECK(config->cors_origins == std::vector<std::string>{"https://app.example", "http://localhost:3000"});
  CHECK(config->log_format == "json");
  auto any = app::service_config_from_environment(environment({{"CORS_ORIGINS", "*"}}));
  REQUIRE(any);
  CHECK(any->cors_origins == std::vector<std::string>{"*"});
  auto defaults = app::service_config_from_environment(environment({}));
  CHECK(defaults->cors_origins.empty());
  CHECK(defaults->log_format == "text");
  for (const char* bad : {"https://app.example/", "app.example", "ftp://app.example", "https://", "https://a.example/x"}) {
    auto refused = app::service_config_from_environment(environment({{"CORS_ORIGINS", bad}}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == "CORS_ORIGINS");
    CHECK(refused.error().message ==
          std::string("CORS_ORIGINS: '") + bad + "' is not an origin (http[s]://host[:port], no path) or *");
  }
  auto format = app::service_config_from_environment(environment({{"LOG_FORMAT", "JSON"}}));
  REQUIRE_FALSE(format);
  CHECK(format.error().message == "LOG_FORMAT must be text or json, not 'JSON'");
  app::service_config option;
  auto by_option = app::apply_setting(option, "LOG_FORMAT", "xml", "--log-format");
  REQUIRE_FALSE(by_option);
  CHECK(by_option.error().message == "--log-format must be text or json, not 'xml'");
}

TEST_CASE("UPLOAD_MAX_MB and UPLOAD_MAX_AGE_HOURS default to 512 and 24 and are read strictly", "[actors][config]") {
  auto defaults = app::service_config_from_environment(environment({}));
  REQUIRE(defaults);
  CHECK(defaults->upload_max_mb == 512);
  CHECK(defaults->upload_max_age_hours == 24);
  auto set = app::service_config_from_environment(
      environment({{"UPLOAD_MAX_MB", "2048"}, {"UPLOAD_MAX_AGE_HOURS", "168"}}));
  REQUIRE(set);
  CHECK(set->upload_max_mb == 2048);
  CHECK(set->upload_max_age_hours == 168);
  for (auto [variable, text, message] : std::vector<std::tuple<std::string, std::string, std::string>>{
           {"UPLOAD_MAX_MB", "0", "UPLOAD_MAX_MB must be 1..1048576, not 0"},
           {"UPLOAD_MAX_MB", "512MB", "UPLOAD_MAX_MB must be an integer, not '512MB'"},
           {"UPLOAD_MAX_AGE_HOURS", "0", "UPLOAD_MAX_AGE_HOURS must be 1..8784, not 0"},
           {"UPLOAD_MAX_AGE_HOURS", "1.5", "UPLOAD_MAX_AGE_HOURS must be an integer, not '1.5'"}}) {
    auto refused = app::service_config_from_environment(environment({{variable, text}}));
    REQUIRE_FALSE(refused);
    CHECK(refused.error().field == variable);
    CHECK(refused.error().message == message);
  }
  app::service_config option;
  auto by_option = app::apply_setting(option, "UPLOAD_MAX_MB", "-1", "--upload-max-mb");
  REQUIRE_FALSE(by_option);
  CHECK(by_option.error().message == "--upload-max-mb must be 1..1048576, not -1");
}
