// Hostile requests against a real server on loopback, sent byte for byte
// over a plain socket: paths that are not UTF-8, ambiguous framing, chunked
// bodies over the limit, many bodies at once, numbers that would wrap.

#include "tests/api/http_fixture.hpp"
#include "tests/api/raw_http.hpp"

#include <catch2/catch.hpp>

#include <poll.h>

using namespace vs::test;
using nlohmann::json;

namespace {

const std::string replacement = "\xEF\xBF\xBD";  // U+FFFD in UTF-8

/// The JSON error of `answer`, after checking its status and shape.
json error_of(const std::optional<raw_response>& answer, int status) {
  REQUIRE(answer);
  INFO(answer->body);
  CHECK(answer->status == status);
  CHECK(answer->header("Content-Type") == "application/json");
  json body = json::parse(answer->body);  // throws (fails the test) unless it is valid JSON
  REQUIRE(body.contains("error"));
  return body["error"];
}

bool healthy(const http_fixture& server) {
  auto health = server.client().Get("/health");
  return health && health->status == 200 && json::parse(health->body)["status"] == "healthy";
}

std::string post_head(const std::string& headers) {
  return "POST /jobs HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\n" + headers + "\r\n";
}

/// Sends `request`, expects one refusal and the connection closed after it.
void check_refused(int port, const std::string& request, int status, const std::string& message) {
  INFO(request);
  raw_connection connection(port);
  connection.send_text(request);
  auto answer = connection.read_response();
  json failure = error_of(answer, status);
  CHECK(failure["message"] == message);
  CHECK(answer->header("Connection") == "close");
  CHECK(answer->count("Keep-Alive") == 0);
  // Nothing after it is answered: whatever followed was not taken for a request.
  CHECK_FALSE(connection.read_response(std::chrono::milliseconds(500)));
  CHECK(connection.closed_by_server(std::chrono::seconds(2)));
}

} // namespace

TEST_CASE("request paths that are not UTF-8 get a JSON 404 and the server stays up", "[http][hostile]") {
  http_fixture server;
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"/x%ff", "/x" + replacement},
      {"/%c3%28", "/" + replacement + "("},
      {"/jobs/%ff%fe", "/jobs/" + replacement + replacement},
      {"/tasks/%ff", "/tasks/" + replacement},
  };
  for (const auto& [target, shown] : cases) {
    INFO(target);
    auto answer = raw_exchange(server.port, "GET " + target + " HTTP/1.1\r\nHost: test\r\nConnection: close\r\n\r\n");
    json failure = error_of(answer, 404);
    CHECK(failure["code"] == "not_found");
    CHECK(failure["message"] == "no route for GET " + shown);
    CHECK(healthy(server));
  }
  // The same bytes in a POST body's JSON are the parser's business: 400, not a crash.
  auto body = raw_exchange(server.port, post_head("Content-Length: 10\r\nConnection: close\r\n") + "{\"a\":\"\xff\xfe\"}");
  CHECK(error_of(body, 400)["message"] == "the request body is not valid JSON");
  CHECK(healthy(server));
}

TEST_CASE("conflicting, duplicate and malformed framing headers are refused and the connection closed",
          "[http][hostile][framing]") {
  http_fixture server;
  const std::string two_lengths = "the request has 2 Content-Length headers; one is allowed";
  check_refused(server.port, post_head("Content-Length: 2\r\nContent-Length: 2\r\n") + "{}", 400, two_lengths);
  // The smuggling shape: a front end reading the first length sees an empty
  // body, one reading the second a request hidden in it.
  check_refused(server.port,
                post_head("Content-Length: 0\r\nContent-Length: 43\r\n") +
                    "GET /jobs/deadbeef HTTP/1.1\r\nHost: test\r\n\r\n",
                400, two_lengths);
  check_refused(server.port, post_head("Content-Length: 2, 2\r\n") + "{}", 400,
                "Content-Length must be a decimal number (got \"2, 2\")");
  check_refused(server.port, post_head("Content-Length: -1\r\n"), 400,
                "Content-Length must be a decimal number (got \"-1\")");
  check_refused(server.port, post_head("Content-Length: 2\r\nTransfer-Encoding: chunked\r\n") + "0\r\n\r\n", 400,
                "the request has both Content-Length and Transfer-Encoding");
  check_refused(server.port, post_head("Transfer-Encoding: gzip, chunked\r\n") + "0\r\n\r\n", 501,
                "Transfer-Encoding \"gzip, chunked\" is not supported; only chunked is");
  check_refused(server.port,
                "GET /health HTTP/1.1\r\nHost: test\r\nContent-Length: 43\r\n\r\n"
                "GET /jobs/deadbeef HTTP/1.1\r\nHost: test\r\n\r\n",
                400, "GET requests cannot have a body");
  // A declared length over the limit is refused before a byte of it is sent.
  check_refused(server.port, post_head("Content-Length: 300000000\r\n"), 413,
                "the request body is larger than the limit of 1048576 bytes");
  CHECK(healthy(server));
}

TEST_CASE("a chunked body over the limit is refused with 413 long before it is all read", "[http][hostile][framing]") {
  http_fixture server;
  raw_connection connection(server.port);
  int small_buffer = 64 * 1024;
  setsockopt(connection.fd(), SOL_SOCKET, SO_SNDBUF, &small_buffer, sizeof small_buffer);
  REQUIRE(connection.send_text(post_head("Transfer-Encoding: chunked\r\n")));
  const std::string frame = "10000\r\n" + std::string(0x10000, 'x') + "\r\n";
  const uint64_t offered = 256ull << 20;  // 256 MiB, as four of them once took the process to 6 GB
  uint64_t sent = 0;
  size_t at = 0;
  bool answered = false;
  while (sent < offered) {
    pollfd waiting{connection.fd(), POLLIN | POLLOUT, 0};
    REQUIRE(poll(&waiting, 1, 10'000) > 0);
    if (waiting.revents & (POLLIN | POLLHUP | POLLERR)) {
      answered = true;
      break;
    }
    ssize_t n = send(connection.fd(), frame.data() + at, frame.size() - at, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
      continue;
    if (n <= 0)
      break;
    sent += static_cast<uint64_t>(n);
    at = (at + static_cast<size_t>(n)) % frame.size();
  }
  INFO("sent " << sent << " bytes");
  REQUIRE(answered);
  auto answer = connection.read_response();
  json failure = error_of(answer, 413);
  CHECK(failure["code"] == "input_too_large");
  CHECK(failure["message"] == "the request body is larger than the limit of 1048576 bytes");
  CHECK(answer->header("Connection") == "close");
  // The server read 1 MiB and some framing; the rest of what went out sits
  // in socket buffers (a few MiB on loopback), nowhere near the 256 MiB.
  CHECK(sent < (16u << 20));
  CHECK(connection.closed_by_server(std::chrono::seconds(2)));
  CHECK(healthy(server));
}

TEST_CASE("request bodies held at once are bounded across connections", "[http][hostile][framing]") {
  http_fixture server([](vs::api::http_config& config) {
    config.max_body_bytes = 1 << 20;
    config.max_body_memory_bytes = 2 << 20;
  });
  const std::string full_body = post_head("Content-Length: 1048576\r\n");
  // Three bodies of 1 MiB announced (headers sent, the body not yet): two
  // fit, the third is answered 503 at once, with Retry-After, before its
  // body. Which one is the third depends on thread scheduling.
  std::vector<std::unique_ptr<raw_connection>> announced;
  for (int i = 0; i < 3; ++i) {
    announced.push_back(std::make_unique<raw_connection>(server.port));
    REQUIRE(announced.back()->send_text(full_body + "{"));
  }
  std::vector<std::unique_ptr<raw_connection>> waiting;
  std::optional<raw_response> refused;
  for (auto& connection : announced) {
    auto answer = connection->read_response(std::chrono::milliseconds(1000));
    if (answer)
      refused = answer;
    else
      waiting.push_back(std::move(connection));
  }
  REQUIRE(waiting.size() == 2);
  json failure = error_of(refused, 503);
  CHECK(failure["code"] == "unavailable");
  CHECK(failure["message"] == "the server is receiving too many request bodies at once; retry later");
  CHECK(refused->header("Retry-After") == "5");

  // One body arrives (not JSON: 400); its memory goes back, and a new body
  // is taken again.
  REQUIRE(waiting[0]->send_text(std::string((1 << 20) - 1, ' ')));
  CHECK(error_of(waiting[0]->read_response(), 400)["message"] == "the request body is not valid JSON");
  // (The memory goes back just after the answer is written: retry a 503.)
  std::optional<raw_response> fourth;
  for (int i = 0; i < 20 && (!fourth || fourth->status == 503); ++i) {
    raw_connection attempt(server.port);
    attempt.send_text(full_body);
    fourth = attempt.read_response(std::chrono::milliseconds(100));
    if (!fourth) {
      REQUIRE(attempt.send_text(std::string(1 << 20, ' ')));
      fourth = attempt.read_response();
    }
  }
  CHECK(error_of(fourth, 400)["message"] == "the request body is not valid JSON");
  CHECK(healthy(server));
}

TEST_CASE("numbers in error answers are echoed as sent", "[http][errors]") {
  http_fixture server;
  json body = server.small_job();
  body["fps"] = 18446744073709551615ull;
  auto answer = server.client().Post("/jobs", body.dump(), "application/json");
  REQUIRE(answer);
  CHECK(answer->status == 422);
  auto failure = json::parse(answer->body)["error"];
  CHECK(failure["message"] == "fps 18446744073709551615 is too large");
  CHECK(failure["field"] == "fps");
}
