#pragma once
/// Webhooks as `serve` sets them up: the settings from its configuration
/// and the outbox that suits the deployment.

#include "app/service_config.hpp"
#include "redis/redis_endpoint.hpp"
#include "webhooks/webhook_outbox.hpp"
#include "webhooks/webhook_settings.hpp"

#include <memory>
#include <optional>

namespace vs::app {

/// The WEBHOOK_* settings; WEBHOOK_URL and WEBHOOK_ALLOWED_HOSTS are checked
/// here (the URL against the address rule too, as far as that goes without
/// DNS): errc::invalid_argument naming the variable.
expected<webhooks::webhook_settings> webhook_settings_of(const service_config& config);

/// In Redis with a Redis worker (pending deliveries outlive the process and
/// any worker may deliver them), else in memory. Each call makes a new one
/// (a connection of its own).
std::shared_ptr<webhooks::webhook_outbox> make_outbox(const std::optional<redis::redis_endpoint>& endpoint,
                                                      const webhooks::webhook_settings& settings);

} // namespace vs::app
