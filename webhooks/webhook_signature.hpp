#pragma once
/// Signing webhooks the way Stripe does: the header
///   Video-Service-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>
/// A receiver recomputes v1 over the raw body with the shared secret,
/// compares in constant time and rejects a t too far from its clock (a
/// replayed request). verify_signature is that receiver; the tests and the
/// example in docs/webhooks.md use it.

#include "media/error.hpp"

#include <chrono>
#include <cstdint>
#include <string>

namespace vs::webhooks {

inline const char* const signature_header = "Video-Service-Signature";
inline const char* const delivery_header = "Video-Service-Delivery";
inline const char* const event_header = "Video-Service-Event";
inline const char* const attempt_header = "Video-Service-Attempt";

/// Lower-case hex of HMAC-SHA256(key, message).
std::string hmac_sha256_hex(const std::string& key, const std::string& message);

/// The signature header's value for `body` sent at `unix_seconds`.
std::string sign(const std::string& secret, int64_t unix_seconds, const std::string& body);

/// Checks a signature header against the raw body: errc::invalid_argument
/// saying why when it is missing a part, does not match (no v1 of it, if
/// several are given, matches) or its t is more than `tolerance` away from
/// `now_unix_seconds`.
status verify_signature(const std::string& secret, const std::string& header, const std::string& body,
                        int64_t now_unix_seconds, std::chrono::seconds tolerance = std::chrono::minutes(5));

} // namespace vs::webhooks
