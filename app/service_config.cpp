#include "app/service_config.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <cstdlib>

namespace vs::app {

namespace {

/// A parsed value: the text always, the number when the setting has one.
struct value {
  std::string text;
  int64_t integer = 0;
  double seconds = 0;
};

enum class kind { text, integer, seconds };

/// One setting: its environment variable, how it parses, its bounds and
/// where it goes. The single table both the environment and the options use.
struct setting {
  const char* variable;
  kind type;
  double min;
  double max;
  void (*store)(service_config&, const value&);
  int64_t (*load)(const service_config&);  ///< for validate(); null for text
  /// For text settings with a syntax: parses and stores, or says what is wrong.
  status (*parse_text)(service_config&, const std::string& text, const std::string& source) = nullptr;
};

status store_origins(service_config& config, const std::string& text, const std::string& source) {
  auto origins = parse_origins(text, source);
  if (!origins)
    return origins.error();
  config.cors_origins = std::move(*origins);
  return {};
}

status store_log_format(service_config& config, const std::string& text, const std::string& source) {
  if (text != "text" && text != "json")
    return make_error(errc::invalid_argument, source + " must be text or json, not '" + text + "'", "LOG_FORMAT");
  config.log_format = text;
  return {};
}

std::chrono::milliseconds to_ms(double seconds) {
  return std::chrono::milliseconds(static_cast<int64_t>(std::llround(seconds * 1000)));
}

// 16 TiB: beyond any machine, below any overflow when turned into bytes.
constexpr double max_megabytes = 16.0 * 1024 * 1024;

const setting settings[] = {
  {"OUTPUT_DIR", kind::text, 0, 0, [](service_config& c, const value& v) { c.output_dir = v.text; }, nullptr},
  {"VIDEO_SERVICE_HOST", kind::text, 0, 0, [](service_config& c, const value& v) { c.host = v.text; }, nullptr},
  {"MEDIA_ROOTS", kind::text, 0, 0, [](service_config& c, const value& v) { c.media_roots = split_roots(v.text); },
   nullptr},
  {"REDIS_URL", kind::text, 0, 0, [](service_config& c, const value& v) { c.redis_url = v.text; }, nullptr},
  {"REDIS_HOST", kind::text, 0, 0, [](service_config& c, const value& v) { c.redis_host = v.text; }, nullptr},
  {"WORKER_ID", kind::text, 0, 0, [](service_config& c, const value& v) { c.worker_id = v.text; }, nullptr},
  {"JOB_STORE_PATH", kind::text, 0, 0, [](service_config& c, const value& v) { c.job_store_path = v.text; }, nullptr},
  {"CORS_ORIGINS", kind::text, 0, 0, nullptr, nullptr, store_origins},
  {"WEBHOOK_URL", kind::text, 0, 0, [](service_config& c, const value& v) { c.webhook_url = v.text; }, nullptr},
  {"WEBHOOK_SECRET", kind::text, 0, 0, [](service_config& c, const value& v) { c.webhook_secret = v.text; }, nullptr},
  {"WEBHOOK_ALLOWED_HOSTS", kind::text, 0, 0,
   [](service_config& c, const value& v) { c.webhook_allowed_hosts = v.text; }, nullptr},
  {"WEBHOOK_CA_FILE", kind::text, 0, 0, [](service_config& c, const value& v) { c.webhook_ca_file = v.text; },
   nullptr},
  {"LOG_FORMAT", kind::text, 0, 0, nullptr, nullptr, store_log_format},
  {"VIDEO_SERVICE_PORT", kind::integer, 1, 65535,
   [](service_config& c, const value& v) { c.port = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.port; }},
  {"MAX_CONCURRENT_JOBS", kind::integer, 0, 1024,
   [](service_config& c, const value& v) { c.max_concurrent_jobs = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.max_concurrent_jobs; }},
  {"MAX_QUEUED_JOBS", kind::integer, 1, 100000,
   [](service_config& c, const value& v) { c.max_queued_jobs = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.max_queued_jobs; }},
  {"MEMORY_BUDGET_MB", kind::integer, 0, max_megabytes,
   [](service_config& c, const value& v) { c.memory_budget_mb = v.integer; },
   [](const service_config& c) -> int64_t { return c.memory_budget_mb; }},
  {"MAX_JOB_MEMORY_MB", kind::integer, 0, max_megabytes,
   [](service_config& c, const value& v) { c.max_job_memory_mb = v.integer; },
   [](const service_config& c) -> int64_t { return c.max_job_memory_mb; }},
  {"REDIS_PORT", kind::integer, 1, 65535,
   [](service_config& c, const value& v) { c.redis_port = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.redis_port; }},
  {"JOB_HISTORY_DAYS", kind::integer, 0, 36500,
   [](service_config& c, const value& v) { c.job_history_days = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.job_history_days; }},
  {"JOB_HISTORY_MAX", kind::integer, 0, 100'000'000,
   [](service_config& c, const value& v) { c.job_history_max = v.integer; },
   [](const service_config& c) -> int64_t { return c.job_history_max; }},
  {"MAX_ATTEMPTS", kind::integer, 1, 100,
   [](service_config& c, const value& v) { c.max_attempts = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.max_attempts; }},
  // Each connection is a thread and a descriptor; the Debian httplib cannot
  // serve a socket numbered 1024 or more, so the cap stays well below.
  {"HTTP_MAX_CONNECTIONS", kind::integer, 1, 900,
   [](service_config& c, const value& v) { c.http_max_connections = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.http_max_connections; }},
  {"HTTP_MAX_SYNC_WAITS", kind::integer, 1, 900,
   [](service_config& c, const value& v) { c.http_max_sync_waits = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.http_max_sync_waits; }},
  {"HTTP_MAX_BODY_MEMORY_MB", kind::integer, 1, 65536,
   [](service_config& c, const value& v) { c.http_max_body_memory_mb = v.integer; },
   [](const service_config& c) -> int64_t { return c.http_max_body_memory_mb; }},
  {"UPLOAD_MAX_MB", kind::integer, 1, 1024 * 1024,
   [](service_config& c, const value& v) { c.upload_max_mb = v.integer; },
   [](const service_config& c) -> int64_t { return c.upload_max_mb; }},
  {"UPLOAD_MAX_AGE_HOURS", kind::integer, 1, 24 * 366,
   [](service_config& c, const value& v) { c.upload_max_age_hours = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.upload_max_age_hours; }},
  // Seconds are compared in milliseconds by validate(): load() gives ms.
  {"SHUTDOWN_GRACE_SECONDS", kind::seconds, 0, 86400,
   [](service_config& c, const value& v) { c.grace = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.grace.count(); }},
  // Below a second the heartbeat (every lease/3) would race the reaper.
  {"WORKER_LEASE_SECONDS", kind::seconds, 1, 3600,
   [](service_config& c, const value& v) { c.lease = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.lease.count(); }},
  {"HTTP_REQUEST_TIMEOUT_SECONDS", kind::seconds, 1, 3600,
   [](service_config& c, const value& v) { c.http_request_timeout = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.http_request_timeout.count(); }},
  {"CHUNK_SECONDS", kind::integer, 0, 3600,
   [](service_config& c, const value& v) { c.chunk_seconds = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.chunk_seconds; }},
  // 0: one attempt, no retries.
  {"WEBHOOK_RETRY_SECONDS", kind::seconds, 0, 7 * 86400,
   [](service_config& c, const value& v) { c.webhook_retry = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.webhook_retry.count(); }},
  {"WEBHOOK_TIMEOUT_SECONDS", kind::seconds, 0.1, 300,
   [](service_config& c, const value& v) { c.webhook_timeout = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.webhook_timeout.count(); }},
  {"WEBHOOK_BACKOFF_SECONDS", kind::seconds, 0.01, 3600,
   [](service_config& c, const value& v) { c.webhook_backoff = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.webhook_backoff.count(); }},
  {"WEBHOOK_CONCURRENCY", kind::integer, 1, 64,
   [](service_config& c, const value& v) { c.webhook_concurrency = static_cast<int>(v.integer); },
   [](const service_config& c) -> int64_t { return c.webhook_concurrency; }},
  {"DEPENDENCY_TIMEOUT", kind::seconds, 1, 7 * 86400,
   [](service_config& c, const value& v) { c.dependency_timeout = to_ms(v.seconds); },
   [](const service_config& c) -> int64_t { return c.dependency_timeout.count(); }},
};

const setting* find_setting(const std::string& variable) {
  for (const auto& s : settings)
    if (variable == s.variable)
      return &s;
  return nullptr;
}

std::string number_text(double number) {
  char text[64];
  if (number == std::floor(number) && std::fabs(number) < 1e15)
    std::snprintf(text, sizeof text, "%.0f", number);
  else
    std::snprintf(text, sizeof text, "%g", number);
  return text;
}

error out_of_range(const setting& s, const std::string& source, const std::string& got) {
  std::string unit = s.type == kind::seconds ? " seconds" : "";
  return make_error(errc::invalid_argument,
                    source + " must be " + number_text(s.min) + ".." + number_text(s.max) + unit + ", not " + got,
                    s.variable);
}

/// Digits with an optional minus sign, nothing else; a value too large for
/// 64 bits is out of range, never wrapped.
expected<value> parse_integer(const setting& s, const std::string& source, const std::string& text) {
  value parsed{text};
  const char* first = text.data();
  const char* last = text.data() + text.size();
  auto [end, code] = std::from_chars(first, last, parsed.integer);
  bool digits = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-');
  if (!digits || (code != std::errc() && code != std::errc::result_out_of_range) || end != last)
    return make_error(errc::invalid_argument, source + " must be an integer, not '" + text + "'", s.variable);
  if (code == std::errc::result_out_of_range || parsed.integer < s.min || parsed.integer > s.max)
    return out_of_range(s, source, text);
  return parsed;
}

/// A plain decimal number of seconds ("2", "2.5", "1e3"): no leading blanks,
/// no junk after it, finite.
expected<value> parse_seconds(const setting& s, const std::string& source, const std::string& text) {
  value parsed{text};
  char* end = nullptr;
  bool starts_well = !text.empty() && (std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '.' ||
                                       text[0] == '-' || text[0] == '+');
  errno = 0;
  parsed.seconds = starts_well ? std::strtod(text.c_str(), &end) : 0.0;
  if (!starts_well || end != text.c_str() + text.size() || std::isnan(parsed.seconds))
    return make_error(errc::invalid_argument, source + " must be a number, not '" + text + "'", s.variable);
  if (errno == ERANGE || !std::isfinite(parsed.seconds) || parsed.seconds < s.min || parsed.seconds > s.max)
    return out_of_range(s, source, text);
  return parsed;
}

} // namespace

std::vector<std::string> service_config::effective_media_roots() const {
  if (!media_roots.empty())
    return media_roots;
  return {output_dir};
}

std::string service_config::effective_job_store_path() const {
  if (!job_store_path.empty())
    return job_store_path;
  return output_dir + "/jobs.sqlite";
}

expected<std::vector<std::string>> parse_origins(const std::string& text, const std::string& source) {
  std::vector<std::string> origins;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    std::string origin = text.substr(start, end - start);
    origin.erase(0, origin.find_first_not_of(" \t"));
    origin.erase(origin.find_last_not_of(" \t") + 1);
    start = end + 1;
    if (origin.empty())
      continue;
    // An origin is scheme://host[:port], exactly as a browser sends it in
    // Origin: a path or a trailing slash would never match.
    size_t host = origin.find("://");
    bool web = origin.rfind("http://", 0) == 0 || origin.rfind("https://", 0) == 0;
    bool well_formed = origin == "*" || (web && host + 3 < origin.size() &&
                                         origin.find_first_of("/?#@ ", host + 3) == std::string::npos);
    if (!well_formed)
      return make_error(errc::invalid_argument,
                        source + ": '" + origin + "' is not an origin (http[s]://host[:port], no path) or *",
                        "CORS_ORIGINS");
    origins.push_back(origin);
  }
  return origins;
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

status apply_setting(service_config& config, const std::string& variable, const std::string& text,
                     const std::string& source) {
  const setting* s = find_setting(variable);
  if (s == nullptr)
    return make_error(errc::internal, "no setting " + variable);
  if (s->parse_text != nullptr)
    return s->parse_text(config, text, source);
  expected<value> parsed = value{text};
  if (s->type == kind::integer)
    parsed = parse_integer(*s, source, text);
  else if (s->type == kind::seconds)
    parsed = parse_seconds(*s, source, text);
  if (!parsed)
    return parsed.error();
  s->store(config, *parsed);
  return {};
}

expected<service_config> service_config_from_environment(const environment_lookup& lookup) {
  service_config config;
  for (const auto& s : settings) {
    const char* text = lookup(s.variable);
    // Unset or empty: the default. REDIS_URL and REDIS_HOST empty mean "no Redis".
    if (text == nullptr || *text == '\0')
      continue;
    if (auto applied = apply_setting(config, s.variable, text, s.variable); !applied)
      return applied.error();
  }
  if (auto valid = validate(config); !valid)
    return valid.error();
  return config;
}

status validate(const service_config& config) {
  if (config.output_dir.empty())
    return make_error(errc::invalid_argument, "the output folder must not be empty", "OUTPUT_DIR");
  for (const auto& s : settings) {
    if (s.load == nullptr)
      continue;
    int64_t loaded = s.load(config);
    double number = s.type == kind::seconds ? static_cast<double>(loaded) / 1000 : static_cast<double>(loaded);
    if (number < s.min || number > s.max)
      return out_of_range(s, s.variable, number_text(number));
  }
  return {};
}

} // namespace vs::app
