// Hostile requests against a real server on loopback, sent byte for byte
// over a plain socket: paths that are not UTF-8, ambiguous framing, chunked
// bodies over the limit, many bodies at once, numbers that would wrap.

#include "tests/api/http_fixture.hpp"
#include "tests/api/raw_http.hpp"

#include <catch2/catch.hpp>

#include <fstream>
#include <poll.h>
#include <thread>
#include <unistd.h>

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
  // A declared length over the limit is refused before a byte of it is
  // sent, and a client that asks first hears 413 instead of 100 Continue.
  check_refused(server.port, post_head("Content-Length: 300000000\r\n"), 413,
                "the request body is larger than the limit of 1048576 bytes");
  check_refused(server.port, post_head("Content-Length: 300000000\r\nExpect: 100-continue\r\n"), 413,
                "the request body is larger than the limit of 1048576 bytes");
  CHECK(healthy(server));
}

namespace {

/// Resident set size of this process (server and test client together).
uint64_t rss_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t pages = 0, resident = 0;
  statm >> pages >> resident;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

} // namespace

TEST_CASE("chunked bodies over the limit are refused with 413 long before they are read", "[http][hostile][framing]") {
  http_fixture server;
  // Four at once, 256 MiB each: four 400 MB ones once took the process to 6 GB.
  const uint64_t offered = 256ull << 20;
  std::vector<chunked_offer> offers(4);
  std::atomic<bool> sending{true};
  uint64_t baseline = rss_bytes();
  uint64_t peak = baseline;
  std::thread sampler([&] {
    while (sending.load()) {
      peak = std::max(peak, rss_bytes());
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::vector<std::thread> senders;
  for (auto& offer : offers)
    senders.emplace_back([&offer, &server, offered] {
      offer = offer_chunked_body(server.port, post_head("Transfer-Encoding: chunked\r\n"), offered);
    });
  for (auto& sender : senders)
    sender.join();
  sending = false;
  sampler.join();

  for (const auto& offer : offers) {
    INFO("sent " << offer.sent << " bytes");
    json failure = error_of(offer.answer, 413);
    CHECK(failure["code"] == "input_too_large");
    CHECK(failure["message"] == "the request body is larger than the limit of 1048576 bytes");
    CHECK(offer.answer->header("Connection") == "close");
    CHECK(offer.closed);
    // The server read 1 MiB and some framing; the rest of what went out
    // sits in socket buffers (a few MiB on loopback), far from 256 MiB.
    CHECK(offer.sent < (16u << 20));
  }
  INFO("RSS grew by " << (peak - baseline) / 1024 << " KiB");
  CHECK(peak - baseline < (64u << 20));
  CHECK(healthy(server));
}

TEST_CASE("request heads over the limit get 431 and are not buffered", "[http][hostile]") {
  http_fixture server;
  const std::string message = "the request line and headers are larger than 65536 bytes";
  // One endless header line (httplib would buffer all of it before its own check)...
  raw_connection line(server.port);
  line.send_text("GET /health HTTP/1.1\r\nHost: test\r\nX-Big: " + std::string(200 * 1024, 'a'));
  auto answer = line.read_response();
  CHECK(error_of(answer, 431)["message"] == message);
  CHECK(answer->header("Connection") == "close");
  CHECK(line.closed_by_server(std::chrono::seconds(2)));
  // ...and many short ones.
  std::string many = "GET /health HTTP/1.1\r\nHost: test\r\n";
  for (int i = 0; i < 2000; ++i)
    many += "X-Header-" + std::to_string(i) + ": " + std::string(40, 'b') + "\r\n";
  raw_connection headers(server.port);
  headers.send_text(many + "\r\n");
  CHECK(error_of(headers.read_response(), 431)["message"] == message);
  CHECK(healthy(server));
}

TEST_CASE("keep-alive and pipelined requests on one connection are answered in order", "[http][hostile]") {
  http_fixture server;
  raw_connection connection(server.port);
  // A body, then two more requests, all in one write: each request ends
  // exactly where its framing says.
  REQUIRE(connection.send_text(post_head("Content-Length: 7\r\n") + "[1,2,3]" +
                               "GET /jobs/deadbeef HTTP/1.1\r\nHost: test\r\n\r\n"
                               "GET /health HTTP/1.1\r\nHost: test\r\nRange: bytes=0-1\r\n\r\n"));
  CHECK(error_of(connection.read_response(), 400)["message"] == "the request body must be a JSON object");
  CHECK(error_of(connection.read_response(), 404)["message"] == "no job with id deadbeef");
  auto health = connection.read_response();
  REQUIRE(health);
  CHECK(health->status == 200);
  CHECK(json::parse(health->body)["status"] == "healthy");
  // A chunked body with its terminator, then one more request.
  REQUIRE(connection.send_text(post_head("Transfer-Encoding: chunked\r\n") + "3\r\n[1,\r\n2\r\n2]\r\n0\r\n\r\n" +
                               "GET /health HTTP/1.1\r\nHost: test\r\n\r\n"));
  CHECK(error_of(connection.read_response(), 400)["message"] == "the request body must be a JSON object");
  auto again = connection.read_response();
  REQUIRE(again);
  CHECK(again->status == 200);
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
  // Deadlines are generous: on a loaded machine the server's threads may
  // run late; on a quiet one each wait ends at once.
  std::optional<raw_response> refused;
  std::vector<std::unique_ptr<raw_connection>> waiting;
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (!refused && std::chrono::steady_clock::now() < deadline) {
    for (size_t i = 0; i < announced.size() && !refused; ++i) {
      refused = announced[i]->read_response(std::chrono::milliseconds(50));
      if (refused)
        announced.erase(announced.begin() + static_cast<std::ptrdiff_t>(i));
    }
  }
  for (auto& connection : announced) {
    CHECK_FALSE(connection->read_response(std::chrono::milliseconds(300)));
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
  deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while ((!fourth || fourth->status == 503) && std::chrono::steady_clock::now() < deadline) {
    raw_connection attempt(server.port);
    attempt.send_text(full_body);
    fourth = attempt.read_response(std::chrono::milliseconds(200));
    if (!fourth) {
      REQUIRE(attempt.send_text(std::string(1 << 20, ' ')));
      fourth = attempt.read_response(std::chrono::seconds(20));
    } else if (fourth->status == 503) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
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
