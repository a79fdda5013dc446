#include "webhooks/address_policy.hpp"

#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <cstdint>
#include <cstring>
#include <memory>

namespace vs::webhooks {

namespace {

const char* const allow_hint =
  "; webhooks go only to public addresses unless WEBHOOK_ALLOWED_HOSTS names the host";

struct ipv4_range {
  uint32_t network;
  int prefix;
  const char* what;
};

// Not public: IANA's special-purpose registry, less the few globally
// reachable entries. Order does not matter; ranges do not overlap except
// 240.0.0.0/4 and the broadcast address, which comes first.
const ipv4_range ipv4_ranges[] = {
  {0xFFFFFFFFu, 32, "the broadcast address (255.255.255.255/32)"},
  {0x00000000u, 8, "an unspecified address (0.0.0.0/8)"},
  {0x0A000000u, 8, "a private address (10.0.0.0/8)"},
  {0x64400000u, 10, "a carrier-grade NAT address (100.64.0.0/10)"},
  {0x7F000000u, 8, "a loopback address (127.0.0.0/8)"},
  {0xA9FE0000u, 16, "a link-local address (169.254.0.0/16)"},
  {0xAC100000u, 12, "a private address (172.16.0.0/12)"},
  {0xC0000000u, 24, "an IETF protocol address (192.0.0.0/24)"},
  {0xC0000200u, 24, "a documentation address (192.0.2.0/24)"},
  {0xC0586300u, 24, "a 6to4 relay address (192.88.99.0/24)"},
  {0xC0A80000u, 16, "a private address (192.168.0.0/16)"},
  {0xC6120000u, 15, "a benchmarking address (198.18.0.0/15)"},
  {0xC6336400u, 24, "a documentation address (198.51.100.0/24)"},
  {0xCB007100u, 24, "a documentation address (203.0.113.0/24)"},
  {0xE0000000u, 4, "a multicast address (224.0.0.0/4)"},
  {0xF0000000u, 4, "a reserved address (240.0.0.0/4)"},
};

std::optional<std::string> ipv4_reason(uint32_t address) {
  for (const auto& range : ipv4_ranges) {
    uint32_t mask = range.prefix == 0 ? 0 : ~uint32_t{0} << (32 - range.prefix);
    if ((address & mask) == range.network)
      return std::string(range.what);
  }
  return std::nullopt;
}

uint32_t ipv4_at(const std::array<uint8_t, 16>& bytes, size_t offset) {
  return uint32_t{bytes[offset]} << 24 | uint32_t{bytes[offset + 1]} << 16 | uint32_t{bytes[offset + 2]} << 8 |
         uint32_t{bytes[offset + 3]};
}

bool starts_with(const std::array<uint8_t, 16>& bytes, std::initializer_list<uint8_t> prefix, int bits) {
  size_t i = 0;
  for (uint8_t byte : prefix) {
    int left = bits - static_cast<int>(i) * 8;
    if (left <= 0)
      break;
    uint8_t mask = left >= 8 ? 0xFF : static_cast<uint8_t>(0xFF << (8 - left));
    if ((bytes[i] & mask) != (byte & mask))
      return false;
    ++i;
  }
  return true;
}

std::string dotted(uint32_t address) {
  in_addr raw{htonl(address)};
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &raw, text, sizeof text);
  return text;
}

/// An IPv6 address that carries an IPv4 one is judged by that one (a
/// v4-mapped ::ffff:127.0.0.1 reaches the loopback interface).
std::optional<std::string> embedded_reason(const char* form, uint32_t v4) {
  if (auto reason = ipv4_reason(v4))
    return std::string(form) + " of " + dotted(v4) + ", " + *reason;
  return std::nullopt;
}

std::optional<std::string> ipv6_reason(const std::array<uint8_t, 16>& b) {
  static const std::array<uint8_t, 16> zero{};
  std::array<uint8_t, 16> loopback{};
  loopback[15] = 1;
  if (b == zero)
    return std::string("the unspecified address (::/128)");
  if (b == loopback)
    return std::string("the loopback address (::1/128)");
  if (starts_with(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF}, 96))
    return embedded_reason("an IPv4-mapped address (::ffff:0:0/96)", ipv4_at(b, 12));
  if (starts_with(b, {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return "an IPv4-compatible address (::/96)" + std::string(" of ") + dotted(ipv4_at(b, 12));
  if (starts_with(b, {0x00, 0x64, 0xFF, 0x9B, 0, 0, 0, 0, 0, 0, 0, 0}, 96))
    return embedded_reason("a NAT64 address (64:ff9b::/96)", ipv4_at(b, 12));
  if (starts_with(b, {0x00, 0x64, 0xFF, 0x9B, 0x00, 0x01}, 48))
    return std::string("a local NAT64 address (64:ff9b:1::/48)");
  if (starts_with(b, {0x01, 0x00, 0, 0, 0, 0, 0, 0}, 64))
    return std::string("a discard-only address (100::/64)");
  if (starts_with(b, {0x20, 0x01, 0x00, 0x00}, 32))
    return std::string("a Teredo address (2001::/32), which tunnels to an IPv4 address");
  if (starts_with(b, {0x20, 0x01, 0x0D, 0xB8}, 32))
    return std::string("a documentation address (2001:db8::/32)");
  if (starts_with(b, {0x20, 0x02}, 16)) {
    if (auto reason = embedded_reason("a 6to4 address (2002::/16)", ipv4_at(b, 2)))
      return reason;
    return std::nullopt;
  }
  if (starts_with(b, {0xFC}, 7))
    return std::string("a unique local (private) address (fc00::/7)");
  if (starts_with(b, {0xFE, 0x80}, 10))
    return std::string("a link-local address (fe80::/10)");
  if (starts_with(b, {0xFE, 0xC0}, 10))
    return std::string("a site-local address (fec0::/10)");
  if (starts_with(b, {0xFF}, 8))
    return std::string("a multicast address (ff00::/8)");
  return std::nullopt;
}

std::optional<std::string> reason_of(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return ipv4_reason(ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr));
  if (address->sa_family == AF_INET6) {
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, 16);
    return ipv6_reason(bytes);
  }
  return std::string("not an IPv4 or IPv6 address");
}

std::string numeric_text(const sockaddr* address) {
  char text[INET6_ADDRSTRLEN] = {};
  if (address->sa_family == AF_INET)
    inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in*>(address)->sin_addr, text, sizeof text);
  else if (address->sa_family == AF_INET6)
    inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr, text, sizeof text);
  return text;
}

std::string trimmed(const std::string& text) {
  size_t first = text.find_first_not_of(" \t");
  if (first == std::string::npos)
    return "";
  return text.substr(first, text.find_last_not_of(" \t") - first + 1);
}

} // namespace

std::optional<std::string> non_public_reason(const std::string& address) {
  in_addr v4{};
  if (inet_pton(AF_INET, address.c_str(), &v4) == 1)
    return ipv4_reason(ntohl(v4.s_addr));
  in6_addr v6{};
  if (inet_pton(AF_INET6, address.c_str(), &v6) == 1) {
    std::array<uint8_t, 16> bytes;
    std::memcpy(bytes.data(), &v6, 16);
    return ipv6_reason(bytes);
  }
  return std::nullopt;
}

expected<std::vector<allowed_host>> parse_allowed_hosts(const std::string& text, const std::string& source) {
  std::vector<allowed_host> hosts;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = std::min(text.find(',', start), text.size());
    std::string entry = trimmed(text.substr(start, end - start));
    start = end + 1;
    if (entry.empty())
      continue;
    // A bare IPv6 address has colons of its own: bracket it to parse it as a URL's host.
    bool bare_ipv6 = entry.find(':') != entry.rfind(':') && entry[0] != '[';
    auto url = parse_callback_url("http://" + (bare_ipv6 ? "[" + entry + "]" : entry) + "/", source);
    if (!url || entry.find_first_of("/?#@") != std::string::npos)
      return make_error(errc::invalid_argument,
                        source + ": '" + entry + "' is not a host, host:port or [IPv6]:port", source);
    bool has_port = !bare_ipv6 && entry.find(':', entry[0] == '[' ? entry.find(']') : 0) != std::string::npos;
    hosts.push_back({url->host, has_port ? url->port : 0});
  }
  return hosts;
}

bool is_allowed(const callback_url& url, const std::vector<allowed_host>& allowed) {
  for (const auto& entry : allowed)
    if (entry.host == url.host && (entry.port == 0 || entry.port == url.port))
      return true;
  return false;
}

status check_literal_host(const callback_url& url, const std::vector<allowed_host>& allowed,
                          const std::string& field) {
  if (!url.ip_literal || is_allowed(url, allowed))
    return {};
  if (auto reason = non_public_reason(url.host))
    return make_error(errc::invalid_argument, field + " host " + url.host + " is " + *reason + allow_hint, field);
  return {};
}

expected<checked_addresses> resolve_checked(const callback_url& url, const std::vector<allowed_host>& allowed) {
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = url.ip_literal ? AI_NUMERICHOST : 0;
  addrinfo* found = nullptr;
  int failed = getaddrinfo(url.host.c_str(), nullptr, &hints, &found);
  if (failed != 0)
    return make_error(errc::unavailable, "cannot resolve " + url.host + ": " + gai_strerror(failed));
  std::unique_ptr<addrinfo, decltype(&freeaddrinfo)> owned(found, freeaddrinfo);
  const bool allow_any = is_allowed(url, allowed);
  checked_addresses checked;
  for (const addrinfo* entry = found; entry != nullptr; entry = entry->ai_next) {
    std::string address = numeric_text(entry->ai_addr);
    if (!allow_any)
      if (auto reason = reason_of(entry->ai_addr)) {
        std::string subject = url.ip_literal ? "host " + url.host : url.host + " resolves to " + address + ", which";
        return make_error(errc::forbidden_path, "refused: " + subject + " is " + *reason + allow_hint);
      }
    if (!address.empty() &&
        std::find(checked.addresses.begin(), checked.addresses.end(), address) == checked.addresses.end())
      checked.addresses.push_back(address);
  }
  if (checked.addresses.empty())
    return make_error(errc::unavailable, "cannot resolve " + url.host + ": no IPv4 or IPv6 address");
  return checked;
}

} // namespace vs::webhooks
