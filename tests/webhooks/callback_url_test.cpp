// callback_url / WEBHOOK_URL: what the text alone decides.

#include "webhooks/callback_url.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using webhooks::parse_callback_url;

namespace {

void check_refused(const std::string& text, const std::string& message) {
  INFO(text);
  auto url = parse_callback_url(text);
  REQUIRE_FALSE(url);
  CHECK(url.error().code == errc::invalid_argument);
  CHECK(url.error().field == "callback_url");
  CHECK(url.error().message == message);
}

} // namespace

TEST_CASE("callback URLs are taken apart: host, port, target", "[webhooks][url]") {
  auto plain = parse_callback_url("https://Hooks.Example.com/video/done?token=abc");
  REQUIRE(plain);
  CHECK(plain->https);
  CHECK(plain->host == "hooks.example.com");
  CHECK(plain->port == 443);
  CHECK(plain->target == "/video/done?token=abc");
  CHECK_FALSE(plain->ip_literal);
  CHECK(plain->authority() == "hooks.example.com");

  auto ported = parse_callback_url("HTTP://receiver.internal:8080");
  REQUIRE(ported);
  CHECK_FALSE(ported->https);
  CHECK(ported->port == 8080);
  CHECK(ported->target == "/");
  CHECK(ported->authority() == "receiver.internal:8080");

  auto query_only = parse_callback_url("http://example.com?x=1");
  REQUIRE(query_only);
  CHECK(query_only->target == "/?x=1");

  auto v6 = parse_callback_url("http://[2001:DB8::0:1]:9000/h");
  REQUIRE(v6);
  CHECK(v6->ip_literal);
  CHECK(v6->host == "2001:db8::1");
  CHECK(v6->authority() == "[2001:db8::1]:9000");
}

TEST_CASE("IPv4 literals in every form getaddrinfo accepts are recognised as addresses", "[webhooks][url]") {
  // "127.1", hex and a single number all reach 127.0.0.1: treated as the address they are.
  for (std::string host : {"127.0.0.1", "127.1", "0x7f.0.0.1", "2130706433", "0177.0.0.1"}) {
    INFO(host);
    auto url = parse_callback_url("http://" + host + "/");
    REQUIRE(url);
    CHECK(url->ip_literal);
    CHECK(url->host == "127.0.0.1");
  }
}

TEST_CASE("bad callback URLs are refused naming the field and the cause", "[webhooks][url]") {
  check_refused("ftp://example.com/x", "callback_url must be an http:// or https:// URL");
  check_refused("example.com/hook", "callback_url must be an http:// or https:// URL");
  check_refused("javascript:alert(1)", "callback_url must be an http:// or https:// URL");
  check_refused("http:///path", "callback_url has no host");
  check_refused("http://:8080/path", "callback_url has no host");
  check_refused("https://user:secret@example.com/", "callback_url must not contain user credentials (user:password@)");
  check_refused("https://example.com@10.0.0.1/", "callback_url must not contain user credentials (user:password@)");
  check_refused("https://example.com/#frag", "callback_url must not contain a fragment (#...)");
  check_refused("https://exa mple.com/", "callback_url must not contain spaces or control characters");
  check_refused("https://example.com/\r\nX-Injected: 1", "callback_url must not contain spaces or control characters");
  check_refused("https://bücher.example/", "callback_url must be ASCII (percent-encode the path, use punycode for the host)");
  check_refused("https://example.com:0/", "callback_url has an invalid port '0' (1..65535)");
  check_refused("https://example.com:65536/", "callback_url has an invalid port '65536' (1..65535)");
  check_refused("https://example.com:80a/", "callback_url has an invalid port '80a' (1..65535)");
  check_refused("https://example.com:/", "callback_url has an empty port");
  check_refused("https://exa!mple.com/", "callback_url has an invalid host name 'exa!mple.com'");
  check_refused("http://[::1/", "callback_url has an unclosed [ in its host");
  check_refused("http://[fe80::1%25eth0]/", "callback_url has an invalid IPv6 address [fe80::1%25eth0]");
  check_refused("http://[::1]x/", "callback_url has text after its [IPv6] host");
  check_refused("https://example.com/" + std::string(2048, 'a'),
                "callback_url is 2068 bytes long; at most 2048 are allowed");
}

TEST_CASE("a URL of exactly the maximum length is accepted", "[webhooks][url]") {
  std::string prefix = "https://example.com/";
  CHECK(parse_callback_url(prefix + std::string(webhooks::max_callback_url_bytes - prefix.size(), 'a')));
}

TEST_CASE("snapshots and logs show the URL without its query string", "[webhooks][url]") {
  CHECK(webhooks::redacted_url("https://example.com/hook?token=s3cret") == "https://example.com/hook?…");
  CHECK(webhooks::redacted_url("https://example.com/hook") == "https://example.com/hook");
}
