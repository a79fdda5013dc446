#pragma once
/// Webhooks as `serve` sets them up: the settings from its configuration
/// and the outbox that suits the deployment.

#include "app/service_config.hpp"
#include "redis/redis_endpoint.hpp"
#include "webhooks/webhook_outbox.hpp"
#include "webhooks/webhook_settings.hpp"

#include <memory>
#include <optional>
#include <string>

namespace vs::app {

/// The WEBHOOK_* settings; WEBHOOK_URL and WEBHOOK_ALLOWED_HOSTS are checked
/// here (the URL against the address rule too, as far as that goes without
/// DNS): errc::invalid_argument naming the variable.
expected<webhooks::webhook_settings> webhook_settings_of(const service_config& config);

/// With a Redis worker: pending deliveries outlive the process and any
/// worker may deliver them. Each call makes a new one (a connection of its own).
std::shared_ptr<webhooks::webhook_outbox> make_redis_outbox(const redis::redis_endpoint& endpoint,
                                                            const webhooks::webhook_settings& settings);

/// Standalone: an SQLite file beside the job store at `job_store_path`, so
/// pending deliveries outlive the process too. One per process (the file is
/// locked): errc::io_error naming the file when it cannot be used.
expected<std::shared_ptr<webhooks::webhook_outbox>> open_standalone_outbox(const webhooks::webhook_settings& settings,
                                                                          const std::string& job_store_path);

} // namespace vs::app
