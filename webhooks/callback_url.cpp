#include "webhooks/callback_url.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>

#include <algorithm>
#include <cctype>

namespace vs::webhooks {

namespace {

std::string lower(std::string text) {
  std::transform(text.begin(), text.end(), text.begin(), [](unsigned char c) { return std::tolower(c); });
  return text;
}

bool is_name_character(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '.' || c == '_';
}

/// inet_aton, not inet_pton: it is the parser getaddrinfo uses, so "127.1",
/// "0x7f.0.0.1" and "2130706433" are the loopback address here too.
bool as_ipv4(const std::string& host, std::string& dotted) {
  in_addr address{};
  if (host.empty() || inet_aton(host.c_str(), &address) == 0)
    return false;
  char text[INET_ADDRSTRLEN];
  inet_ntop(AF_INET, &address, text, sizeof text);
  dotted = text;
  return true;
}

bool as_ipv6(const std::string& host, std::string& canonical) {
  in6_addr address{};
  if (inet_pton(AF_INET6, host.c_str(), &address) != 1)
    return false;
  char text[INET6_ADDRSTRLEN];
  inet_ntop(AF_INET6, &address, text, sizeof text);
  canonical = text;
  return true;
}

} // namespace

std::string callback_url::authority() const {
  std::string shown = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != (https ? 443 : 80))
    shown += ":" + std::to_string(port);
  return shown;
}

expected<callback_url> parse_callback_url(const std::string& text, const std::string& field) {
  auto refuse = [&](const std::string& why) {
    return make_error(errc::invalid_argument, field + " " + why, field);
  };
  if (text.size() > max_callback_url_bytes)
    return refuse("is " + std::to_string(text.size()) + " bytes long; at most " +
                  std::to_string(max_callback_url_bytes) + " are allowed");
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20 || c == 0x7f; }))
    return refuse("must not contain spaces or control characters");
  if (std::any_of(text.begin(), text.end(), [](char c) { return static_cast<unsigned char>(c) >= 0x80; }))
    return refuse("must be ASCII (percent-encode the path, use punycode for the host)");
  callback_url url;
  url.text = text;
  const size_t scheme_end = text.find("://");
  const std::string scheme = lower(text.substr(0, scheme_end == std::string::npos ? 0 : scheme_end));
  if (scheme != "http" && scheme != "https")
    return refuse("must be an http:// or https:// URL");
  url.https = scheme == "https";
  const size_t authority_start = scheme_end + 3;
  const size_t authority_end = std::min(text.find_first_of("/?#", authority_start), text.size());
  std::string authority = text.substr(authority_start, authority_end - authority_start);
  if (authority.find('@') != std::string::npos)
    return refuse("must not contain user credentials (user:password@)");
  if (text.find('#', authority_end) != std::string::npos)
    return refuse("must not contain a fragment (#...)");

  std::string host;
  std::string port;
  if (!authority.empty() && authority[0] == '[') {
    size_t close = authority.find(']');
    if (close == std::string::npos)
      return refuse("has an unclosed [ in its host");
    host = authority.substr(1, close - 1);
    std::string rest = authority.substr(close + 1);
    if (!rest.empty() && rest[0] != ':')
      return refuse("has text after its [IPv6] host");
    port = rest.empty() ? "" : rest.substr(1);
    if (!as_ipv6(host, url.host))
      return refuse("has an invalid IPv6 address [" + host + "]");
    url.ip_literal = true;
  } else {
    size_t colon = authority.rfind(':');
    host = lower(authority.substr(0, colon));
    port = colon == std::string::npos ? "" : authority.substr(colon + 1);
    if (host.empty())
      return refuse("has no host");
    if (host.size() > 253 || !std::all_of(host.begin(), host.end(), is_name_character))
      return refuse("has an invalid host name '" + host.substr(0, 64) + "'");
    url.ip_literal = as_ipv4(host, url.host);
    if (!url.ip_literal)
      url.host = host;
  }
  if (port.empty() && authority.back() == ':')
    return refuse("has an empty port");
  if (port.empty()) {
    url.port = url.https ? 443 : 80;
  } else {
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; }) ||
        std::stoi(port) < 1 || std::stoi(port) > 65535)
      return refuse("has an invalid port '" + port.substr(0, 16) + "' (1..65535)");
    url.port = std::stoi(port);
  }
  url.target = text.substr(authority_end);
  if (url.target.empty() || url.target[0] == '?')
    url.target = "/" + url.target;
  return url;
}

std::string redacted_url(const std::string& text) {
  size_t query = text.find('?');
  return query == std::string::npos ? text : text.substr(0, query) + "?…";
}

} // namespace vs::webhooks
