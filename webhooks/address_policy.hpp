#pragma once
/// Where webhooks may go (the SSRF rule, docs/webhooks.md): only to public
/// addresses, unless WEBHOOK_ALLOWED_HOSTS names the host. A host name is
/// resolved once, every address it resolves to must be public, and the
/// delivery connects to the address that was checked (no second lookup a
/// DNS rebinding could answer differently).

#include "media/error.hpp"
#include "webhooks/callback_url.hpp"

#include <optional>
#include <string>
#include <vector>

namespace vs::webhooks {

/// Why `address` (an IPv4 or IPv6 literal) is not public, e.g. "a loopback
/// address (127.0.0.0/8)"; nullopt for a public address or a text that is
/// not an address.
std::optional<std::string> non_public_reason(const std::string& address);

/// One entry of WEBHOOK_ALLOWED_HOSTS: a host name or address, with or
/// without a port ("hooks.internal", "10.0.0.7:8080", "[::1]:9000").
struct allowed_host {
  std::string host;  ///< as callback_url normalises hosts
  int port = 0;      ///< 0: any port
};

/// Parses "a, b:8080, [::1]" (commas, blanks around entries ignored);
/// errc::invalid_argument naming `source` for an entry that is no host.
expected<std::vector<allowed_host>> parse_allowed_hosts(const std::string& text,
                                                        const std::string& source = "WEBHOOK_ALLOWED_HOSTS");

bool is_allowed(const callback_url& url, const std::vector<allowed_host>& allowed);

/// What can be decided without DNS: an address literal must be public
/// unless allowed. errc::invalid_argument naming `field`.
status check_literal_host(const callback_url& url, const std::vector<allowed_host>& allowed,
                          const std::string& field = "callback_url");

/// The addresses a delivery may connect to, all checked, in the resolver's order.
struct checked_addresses {
  std::vector<std::string> addresses;  ///< numeric, e.g. "93.184.215.14" or "2606:2800::1"
};

/// Resolves the host (once) and checks every address it resolves to. A host
/// that is not allowed to be called: errc::forbidden_path, naming the rule.
/// A name that does not resolve: errc::unavailable (it may later).
expected<checked_addresses> resolve_checked(const callback_url& url, const std::vector<allowed_host>& allowed);

} // namespace vs::webhooks
