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
  // Each reader leaves `target` alone when the variable is unset or empty.
  auto read_integer = [&](const char* name, int& target) -> status {
    if (auto value = text(name); !value.empty()) {
      auto number = parse_integer(name, value);
      if (!number)
        return number.error();
      target = static_cast<int>(*number);
    }
    return {};
  };
  auto read_seconds = [&](const char* name, std::chrono::milliseconds& target) -> status {
    if (auto value = text(name); !value.empty()) {
      auto seconds = parse_number(name, value);
      if (!seconds)
        return seconds.error();
      target = std::chrono::milliseconds(static_cast<int64_t>(*seconds * 1000));
    }
    return {};
  };
  if (auto value = text("OUTPUT_DIR"); !value.empty())
    config.output_dir = value;
  if (auto value = text("VIDEO_SERVICE_HOST"); !value.empty())
    config.host = value;
  if (auto value = text("MEDIA_ROOTS"); !value.empty())
    config.media_roots = split_roots(value);
  config.redis_url = text("REDIS_URL");
  config.redis_host = text("REDIS_HOST");
  config.worker_id = text("WORKER_ID");
  for (auto read : {read_integer("VIDEO_SERVICE_PORT", config.port),
                    read_integer("MAX_CONCURRENT_JOBS", config.max_concurrent_jobs),
                    read_integer("REDIS_PORT", config.redis_port),
                    read_integer("MAX_ATTEMPTS", config.max_attempts),
                    read_seconds("SHUTDOWN_GRACE_SECONDS", config.grace),
                    read_seconds("WORKER_LEASE_SECONDS", config.lease),
                    read_seconds("DEPENDENCY_TIMEOUT", config.dependency_timeout)})
    if (!read)
      return read.error();
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
