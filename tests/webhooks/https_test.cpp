// https webhooks connect to the checked address but verify the certificate
// against the URL's host name (and send it as SNI): a certificate for
// "localhost" is accepted when the URL says localhost, one for another name
// is not, although both servers listen on the same 127.0.0.1.

#include "tests/webhooks/webhook_fixture.hpp"

#include "tests/support/process.hpp"

#include <catch2/catch.hpp>

#include <fstream>

using namespace vs;
using namespace vs::test;
using nlohmann::json;

namespace {

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

/// A self-signed certificate for `name` (EC P-256: quick to make).
void make_certificate(const temp_dir& dir, const std::string& name) {
  auto made = capture_command("openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 "
                              "-keyout " + shell_quote(dir.file(name + ".key")) + " -out " +
                              shell_quote(dir.file(name + ".pem")) + " -subj /CN=" + name +
                              " -addext subjectAltName=DNS:" + name + " 2>&1");
  INFO(made.out);
  REQUIRE(made.exit_code == 0);
}

/// An https receiver on 127.0.0.1 presenting the certificate of `name`.
class tls_receiver {
public:
  tls_receiver(const temp_dir& dir, const std::string& name)
      : server_(dir.file(name + ".pem").c_str(), dir.file(name + ".key").c_str()) {
    server_.Post("/hook", [this](const httplib::Request& req, httplib::Response& res) {
      ++received_;
      last_body_ = req.body;
      res.status = 204;
    });
    port_ = server_.bind_to_any_port("127.0.0.1");
    REQUIRE(port_ > 0);
    thread_ = std::thread([this] { server_.listen_after_bind(); });
  }
  ~tls_receiver() {
    server_.stop();
    thread_.join();
  }
  int port() const { return port_; }
  int received() const { return received_.load(); }

private:
  httplib::SSLServer server_;
  int port_ = 0;
  std::thread thread_;
  std::atomic<int> received_{0};
  std::string last_body_;
};

} // namespace

TEST_CASE("https webhooks verify the certificate against the URL's host name", "[webhooks][https]") {
  temp_dir certificates;
  make_certificate(certificates, "localhost");
  make_certificate(certificates, "other.example");
  // Trust both self-signed certificates: only the name decides.
  write_bytes(certificates.file("trusted.pem"), read_text(certificates.file("localhost.pem")) +
                                                    read_text(certificates.file("other.example.pem")));
  tls_receiver right(certificates, "localhost");
  tls_receiver wrong(certificates, "other.example");
  webhook_fixture fixture([&](webhooks::webhook_settings& settings) {
    settings.allowed_hosts = {{"localhost", 0}};
    settings.ca_file = certificates.file("trusted.pem");
    settings.retry_window = std::chrono::milliseconds(0);
  });

  std::string good = fixture.submit(fixture.quick_job("https://localhost:" + std::to_string(right.port()) + "/hook"));
  json delivered = fixture.webhook_becomes(good, "delivered");
  INFO(delivered.dump());
  CHECK(delivered["webhook"]["attempts"][0]["status"] == 204);
  CHECK(right.received() == 1);

  std::string bad = fixture.submit(fixture.quick_job("https://localhost:" + std::to_string(wrong.port()) + "/hook"));
  json refused = fixture.webhook_becomes(bad, "failed");
  INFO(refused.dump());
  CHECK(refused["webhook"]["attempts"][0]["error"] ==
        "the TLS certificate of localhost:" + std::to_string(wrong.port()) + " (127.0.0.1) is not valid for localhost");
  CHECK(wrong.received() == 0);
}
