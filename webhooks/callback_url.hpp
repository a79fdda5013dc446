#pragma once
/// A job's `callback_url` (or WEBHOOK_URL) taken apart and checked for what
/// can be decided from the text alone: http or https, a host, no user
/// credentials, no fragment, printable ASCII, at most max_callback_url_bytes.
/// Whether the host may be called at all is address_policy's question.

#include "media/error.hpp"

#include <string>

namespace vs::webhooks {

inline constexpr size_t max_callback_url_bytes = 2048;

struct callback_url {
  std::string text;         ///< as given
  bool https = false;
  std::string host;         ///< lower case; an IPv6 literal without brackets; an IPv4 literal in dotted quads
  int port = 0;             ///< the explicit port, or 80/443
  std::string target;       ///< path and query as sent in the request line; "/" when empty
  bool ip_literal = false;  ///< the host is an IPv4 or IPv6 address, not a name

  /// host as it goes into a Host header or a URL: IPv6 in brackets, with
  /// ":port" unless it is the scheme's default.
  std::string authority() const;
};

/// Parses `text`; an errc::invalid_argument naming `field` says what is wrong.
expected<callback_url> parse_callback_url(const std::string& text, const std::string& field = "callback_url");

/// The URL without its query string ("?…" instead), for job snapshots and
/// logs: a query often carries the receiver's token.
std::string redacted_url(const std::string& text);

} // namespace vs::webhooks
