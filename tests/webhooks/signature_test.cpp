// Stripe-style signatures: t=<seconds>,v1=<hex HMAC-SHA256(secret, "t.body")>.

#include "webhooks/webhook_signature.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::webhooks;

TEST_CASE("HMAC-SHA256 matches the RFC 4231 test vector", "[webhooks][signature]") {
  CHECK(hmac_sha256_hex("Jefe", "what do ya want for nothing?") ==
        "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST_CASE("a signature verifies with its secret and only with it", "[webhooks][signature]") {
  const std::string body = R"({"job_id":"abc","status":"success"})";
  const std::string header = sign("s3cret", 1700000000, body);
  CHECK(header == "t=1700000000,v1=" + hmac_sha256_hex("s3cret", "1700000000." + body));
  CHECK(verify_signature("s3cret", header, body, 1700000010));

  auto wrong_secret = verify_signature("other", header, body, 1700000010);
  REQUIRE_FALSE(wrong_secret);
  CHECK(wrong_secret.error().message == "the signature does not match the body");

  auto tampered = verify_signature("s3cret", header, body + " ", 1700000010);
  REQUIRE_FALSE(tampered);
  CHECK(tampered.error().message == "the signature does not match the body");

  // The timestamp is signed too: moving it breaks the signature.
  std::string moved = header;
  moved.replace(2, 10, "1700000005");
  auto moved_check = verify_signature("s3cret", moved, body, 1700000010);
  REQUIRE_FALSE(moved_check);
  CHECK(moved_check.error().message == "the signature does not match the body");
}

TEST_CASE("stale, malformed and rotated signatures", "[webhooks][signature]") {
  const std::string body = "{}";
  auto replayed = verify_signature("k", sign("k", 1700000000, body), body, 1700000000 + 301);
  REQUIRE_FALSE(replayed);
  CHECK(replayed.error().message == "the signature's timestamp is 301 s away from now (a replay?)");
  CHECK(verify_signature("k", sign("k", 1700000000, body), body, 1700000000 + 300));

  auto no_time = verify_signature("k", "v1=abcd", body, 1700000000);
  REQUIRE_FALSE(no_time);
  CHECK(no_time.error().message == "the signature has no timestamp (t=)");
  CHECK(no_time.error().field == "Video-Service-Signature");

  auto no_v1 = verify_signature("k", "t=1700000000", body, 1700000000);
  REQUIRE_FALSE(no_v1);
  CHECK(no_v1.error().message == "the signature has no v1= part");

  auto junk_time = verify_signature("k", "t=17e8,v1=00", body, 1700000000);
  REQUIRE_FALSE(junk_time);
  CHECK(junk_time.error().message == "the signature has no timestamp (t=)");

  // Several v1 values (a secret being rotated): one matching is enough.
  std::string good = sign("k", 1700000000, body);
  std::string rotated = "t=1700000000,v1=" + std::string(64, '0') + "," + good.substr(good.find("v1="));
  CHECK(verify_signature("k", rotated, body, 1700000000));
}
