// The SSRF rule: only public addresses, unless WEBHOOK_ALLOWED_HOSTS names the host.

#include "webhooks/address_policy.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::webhooks;

namespace {

const std::string hint = "; webhooks go only to public addresses unless WEBHOOK_ALLOWED_HOSTS names the host";

callback_url url_of(const std::string& text) {
  auto url = parse_callback_url(text);
  REQUIRE(url);
  return *url;
}

std::vector<allowed_host> allowed(const std::string& text) {
  auto hosts = parse_allowed_hosts(text);
  REQUIRE(hosts);
  return *hosts;
}

} // namespace

TEST_CASE("every non-public address range is named", "[webhooks][ssrf]") {
  const std::pair<const char*, const char*> refused[] = {
    {"127.0.0.1", "a loopback address (127.0.0.0/8)"},
    {"127.255.0.9", "a loopback address (127.0.0.0/8)"},
    {"10.1.2.3", "a private address (10.0.0.0/8)"},
    {"172.16.0.1", "a private address (172.16.0.0/12)"},
    {"172.31.255.255", "a private address (172.16.0.0/12)"},
    {"192.168.1.1", "a private address (192.168.0.0/16)"},
    {"100.64.0.1", "a carrier-grade NAT address (100.64.0.0/10)"},
    {"100.127.255.254", "a carrier-grade NAT address (100.64.0.0/10)"},
    {"169.254.169.254", "a link-local address (169.254.0.0/16)"},
    {"0.0.0.0", "an unspecified address (0.0.0.0/8)"},
    {"224.0.0.1", "a multicast address (224.0.0.0/4)"},
    {"255.255.255.255", "the broadcast address (255.255.255.255/32)"},
    {"240.0.0.1", "a reserved address (240.0.0.0/4)"},
    {"192.0.2.10", "a documentation address (192.0.2.0/24)"},
    {"198.18.0.1", "a benchmarking address (198.18.0.0/15)"},
    {"::1", "the loopback address (::1/128)"},
    {"::", "the unspecified address (::/128)"},
    {"fc00::1", "a unique local (private) address (fc00::/7)"},
    {"fd12:3456::1", "a unique local (private) address (fc00::/7)"},
    {"fe80::1", "a link-local address (fe80::/10)"},
    {"ff02::1", "a multicast address (ff00::/8)"},
    {"::ffff:127.0.0.1", "an IPv4-mapped address (::ffff:0:0/96) of 127.0.0.1, a loopback address (127.0.0.0/8)"},
    {"::ffff:10.0.0.1", "an IPv4-mapped address (::ffff:0:0/96) of 10.0.0.1, a private address (10.0.0.0/8)"},
    {"::ffff:169.254.169.254",
     "an IPv4-mapped address (::ffff:0:0/96) of 169.254.169.254, a link-local address (169.254.0.0/16)"},
    {"64:ff9b::7f00:1", "a NAT64 address (64:ff9b::/96) of 127.0.0.1, a loopback address (127.0.0.0/8)"},
    {"2002:7f00:1::1", "a 6to4 address (2002::/16) of 127.0.0.1, a loopback address (127.0.0.0/8)"},
    {"2001:db8::1", "a documentation address (2001:db8::/32)"},
    {"::127.0.0.1", "an IPv4-compatible address (::/96) of 127.0.0.1"},
  };
  for (const auto& [address, reason] : refused) {
    INFO(address);
    auto found = non_public_reason(address);
    REQUIRE(found);
    CHECK(*found == reason);
  }
}

TEST_CASE("public addresses pass", "[webhooks][ssrf]") {
  for (const char* address : {"93.184.215.14", "8.8.8.8", "1.1.1.1", "100.63.255.255", "100.128.0.0", "172.15.255.255",
                              "172.32.0.0", "192.169.0.1", "2606:4700:4700::1111", "::ffff:8.8.8.8", "2002:808:808::1"}) {
    INFO(address);
    CHECK_FALSE(non_public_reason(address));
  }
}

TEST_CASE("address literals are refused at submit unless allowed", "[webhooks][ssrf]") {
  auto refused = check_literal_host(url_of("http://10.0.0.5/hook"), {});
  REQUIRE_FALSE(refused);
  CHECK(refused.error().code == errc::invalid_argument);
  CHECK(refused.error().field == "callback_url");
  CHECK(refused.error().message == "callback_url host 10.0.0.5 is a private address (10.0.0.0/8)" + hint);

  auto v6 = check_literal_host(url_of("http://[::1]:9000/"), {});
  REQUIRE_FALSE(v6);
  CHECK(v6.error().message == "callback_url host ::1 is the loopback address (::1/128)" + hint);

  auto sneaky = check_literal_host(url_of("http://2130706433/"), {});
  REQUIRE_FALSE(sneaky);
  CHECK(sneaky.error().message == "callback_url host 127.0.0.1 is a loopback address (127.0.0.0/8)" + hint);

  CHECK(check_literal_host(url_of("http://127.0.0.1:8080/"), allowed("127.0.0.1")));
  CHECK(check_literal_host(url_of("http://[::1]:9000/"), allowed("[::1]:9000")));
  CHECK(check_literal_host(url_of("http://8.8.8.8/"), {}));
  // Names wait for delivery, when they are resolved.
  CHECK(check_literal_host(url_of("http://localhost/"), {}));
}

TEST_CASE("WEBHOOK_ALLOWED_HOSTS names hosts, optionally with a port", "[webhooks][ssrf]") {
  auto hosts = allowed(" Hooks.Internal , 10.0.0.7:8080,[::1]:9000, ::1 ,127.1");
  REQUIRE(hosts.size() == 5);
  CHECK(is_allowed(url_of("https://hooks.internal/x"), hosts));
  CHECK(is_allowed(url_of("http://hooks.internal:1234/x"), hosts));
  CHECK(is_allowed(url_of("http://10.0.0.7:8080/"), hosts));
  CHECK_FALSE(is_allowed(url_of("http://10.0.0.7:8081/"), hosts));
  CHECK_FALSE(is_allowed(url_of("http://10.0.0.7/"), hosts));
  CHECK(is_allowed(url_of("http://[::1]:7/"), hosts));
  CHECK(is_allowed(url_of("http://127.0.0.1:99/"), hosts));
  CHECK_FALSE(is_allowed(url_of("http://other.internal/"), hosts));
  CHECK(allowed("").empty());
  CHECK(allowed(" , ").empty());

  for (std::string bad : {"http://x", "a/b", "user@host", "host:99999", "[::1"}) {
    INFO(bad);
    auto parsed = parse_allowed_hosts("ok.example," + bad);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().field == "WEBHOOK_ALLOWED_HOSTS");
    CHECK(parsed.error().message ==
          "WEBHOOK_ALLOWED_HOSTS: '" + bad + "' is not a host, host:port or [IPv6]:port");
  }
}

TEST_CASE("delivery resolves the name once and refuses it if any address is not public", "[webhooks][ssrf]") {
  auto local = resolve_checked(url_of("http://localhost:8080/hook"), {});
  REQUIRE_FALSE(local);
  CHECK(local.error().code == errc::forbidden_path);
  // localhost may resolve to ::1 first on some machines: either way the rule names it.
  CHECK((local.error().message ==
           "refused: localhost resolves to 127.0.0.1, which is a loopback address (127.0.0.0/8)" + hint ||
         local.error().message == "refused: localhost resolves to ::1, which is the loopback address (::1/128)" + hint));

  auto literal = resolve_checked(url_of("http://[::1]:8080/"), {});
  REQUIRE_FALSE(literal);
  CHECK(literal.error().message == "refused: host ::1 is the loopback address (::1/128)" + hint);

  auto ten = resolve_checked(url_of("http://10.20.30.40/"), {});
  REQUIRE_FALSE(ten);
  CHECK(ten.error().message == "refused: host 10.20.30.40 is a private address (10.0.0.0/8)" + hint);

  auto allowed_local = resolve_checked(url_of("http://localhost:8080/hook"), allowed("localhost:8080"));
  REQUIRE(allowed_local);
  for (const auto& address : allowed_local->addresses)
    CHECK((address == "127.0.0.1" || address == "::1"));

  auto public_literal = resolve_checked(url_of("http://93.184.215.14/"), {});
  REQUIRE(public_literal);
  CHECK(public_literal->addresses == std::vector<std::string>{"93.184.215.14"});

  auto nowhere = resolve_checked(url_of("http://no-such-host.invalid/"), {});
  REQUIRE_FALSE(nowhere);
  CHECK(nowhere.error().code == errc::unavailable);
  CHECK(nowhere.error().message.rfind("cannot resolve no-such-host.invalid: ", 0) == 0);
}
