#include "app/service_config.hpp"

#include <cerrno>
#include <cstdlib>

namespace vs::app {

namespace {

expected<long> parse_integer(const char* name, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  long value = std::strtol(text.c_str(), &end, 10);
  if (text.empty() || errno != 0 || end == nullptr || *end != '\0')
    return make_error(errc::invalid_argument, std::string(name) + " must be an integer, not '" + text + "'", name);
  return value;
}

expected<double> parse_number(const char* name, const std::string& text) {
  errno = 0;
  char* end = nullptr;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || errno != 0 || end == nullptr || *end != '\0')
    return make_error(errc::invalid_argument, std::string(name) + " must be a number, not '" + text + "'", name);
  return value;
}

} // namespace

std::vector<std::string> service_config::effective_media_roots() const {
  if (!media_roots.empty())
    return media_roots;
  return {output_dir};
}

std::vector<std::string> split_roots(const std::string& text) {
  std::vector<std::string> roots;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find(':', start);
    if (end == std::string::npos)
      end = text.size();
    if (end > start)
      roots.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return roots;
}

expected<service_config> service_config_from_environment(const environment_lookup& lookup) {
  service_config config;
  auto text = [&](const char* name) -> std::string {
    const char* value = lookup(name);
    return value != nullptr ? std::string(value) : std::string();
  };
  if (auto value = text("OUTPUT_DIR"); !value.empty())
    config.output_dir = value;
  if (auto value = text("VIDEO_SERVICE_HOST"); !value.empty())
    config.host = value;
  if (auto value = text("VIDEO_SERVICE_PORT"); !value.empty()) {
    auto port = parse_integer("VIDEO_SERVICE_PORT", value);
    if (!port)
      return port.error();
    config.port = static_cast<int>(*port);
  }
  if (auto value = text("MEDIA_ROOTS"); !value.empty())
    config.media_roots = split_roots(value);
  if (auto value = text("MAX_CONCURRENT_JOBS"); !value.empty()) {
    auto jobs = parse_integer("MAX_CONCURRENT_JOBS", value);
    if (!jobs)
      return jobs.error();
    config.max_concurrent_jobs = static_cast<int>(*jobs);
  }
  if (auto value = text("SHUTDOWN_GRACE_SECONDS"); !value.empty()) {
    auto seconds = parse_number("SHUTDOWN_GRACE_SECONDS", value);
    if (!seconds)
      return seconds.error();
    config.grace = std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000));
  }
  config.redis_url = text("REDIS_URL");
  config.redis_host = text("REDIS_HOST");
  if (auto value = text("REDIS_PORT"); !value.empty()) {
    auto port = parse_integer("REDIS_PORT", value);
    if (!port)
      return port.error();
    config.redis_port = static_cast<int>(*port);
  }
  config.worker_id = text("WORKER_ID");
  if (auto value = text("WORKER_LEASE_SECONDS"); !value.empty()) {
    auto seconds = parse_number("WORKER_LEASE_SECONDS", value);
    if (!seconds)
      return seconds.error();
    config.lease = std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000));
  }
  if (auto value = text("MAX_ATTEMPTS"); !value.empty()) {
    auto attempts = parse_integer("MAX_ATTEMPTS", value);
    if (!attempts)
      return attempts.error();
    config.max_attempts = static_cast<int>(*attempts);
  }
  if (auto value = text("DEPENDENCY_TIMEOUT"); !value.empty()) {
    auto seconds = parse_number("DEPENDENCY_TIMEOUT", value);
    if (!seconds)
      return seconds.error();
    config.dependency_timeout = std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000));
  }
  if (auto valid = validate(config); !valid)
    return valid.error();
  return config;
}

status validate(const service_config& config) {
  if (config.output_dir.empty())
    return make_error(errc::invalid_argument, "the output folder must not be empty", "OUTPUT_DIR");
  if (config.port < 1 || config.port > 65535)
    return make_error(errc::invalid_argument, "the port must be 1..65535, not " + std::to_string(config.port),
                      "VIDEO_SERVICE_PORT");
  if (config.max_concurrent_jobs < 0 || config.max_concurrent_jobs > 1024)
    return make_error(errc::invalid_argument,
                      "MAX_CONCURRENT_JOBS must be 0..1024, not " + std::to_string(config.max_concurrent_jobs),
                      "MAX_CONCURRENT_JOBS");
  if (config.grace.count() < 0)
    return make_error(errc::invalid_argument, "the shutdown grace period must not be negative",
                      "SHUTDOWN_GRACE_SECONDS");
  if (config.redis_port < 1 || config.redis_port > 65535)
    return make_error(errc::invalid_argument, "REDIS_PORT must be 1..65535, not " + std::to_string(config.redis_port),
                      "REDIS_PORT");
  // Below a second the heartbeat (every lease/3) would race the reaper.
  if (config.lease < std::chrono::seconds(1) || config.lease > std::chrono::hours(1))
    return make_error(errc::invalid_argument, "WORKER_LEASE_SECONDS must be 1..3600", "WORKER_LEASE_SECONDS");
  if (config.max_attempts < 1 || config.max_attempts > 100)
    return make_error(errc::invalid_argument, "MAX_ATTEMPTS must be 1..100, not " + std::to_string(config.max_attempts),
                      "MAX_ATTEMPTS");
  if (config.dependency_timeout < std::chrono::seconds(1))
    return make_error(errc::invalid_argument, "DEPENDENCY_TIMEOUT must be at least 1 second", "DEPENDENCY_TIMEOUT");
  return {};
}

} // namespace vs::app
