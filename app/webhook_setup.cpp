#include "app/webhook_setup.hpp"

#include "webhooks/redis_outbox.hpp"
#include "webhooks/sqlite_outbox.hpp"

namespace vs::app {

expected<webhooks::webhook_settings> webhook_settings_of(const service_config& config) {
  webhooks::webhook_settings settings;
  auto allowed = webhooks::parse_allowed_hosts(config.webhook_allowed_hosts);
  if (!allowed)
    return allowed.error();
  settings.allowed_hosts = std::move(*allowed);
  if (!config.webhook_url.empty()) {
    auto url = webhooks::parse_callback_url(config.webhook_url, "WEBHOOK_URL");
    if (!url)
      return url.error();
    if (auto checked = webhooks::check_literal_host(*url, settings.allowed_hosts, "WEBHOOK_URL"); !checked)
      return checked.error();
    settings.default_url = config.webhook_url;
  }
  settings.secret = config.webhook_secret;
  settings.retry_window = config.webhook_retry;
  settings.attempt_timeout = config.webhook_timeout;
  settings.schedule.first_retry = config.webhook_backoff;
  settings.concurrency = config.webhook_concurrency;
  settings.ca_file = config.webhook_ca_file;
  return settings;
}

std::shared_ptr<webhooks::webhook_outbox> make_redis_outbox(const redis::redis_endpoint& endpoint,
                                                            const webhooks::webhook_settings& settings) {
  return std::make_shared<webhooks::redis_outbox>(endpoint, settings.keep_finished, settings.retry_window);
}

expected<std::shared_ptr<webhooks::webhook_outbox>> open_standalone_outbox(const webhooks::webhook_settings& settings,
                                                                          const std::string& job_store_path) {
  auto outbox = webhooks::sqlite_outbox::open(webhooks::outbox_path_beside(job_store_path), settings.keep_finished);
  if (!outbox)
    return outbox.error();
  return std::shared_ptr<webhooks::webhook_outbox>(std::move(*outbox));
}

} // namespace vs::app
