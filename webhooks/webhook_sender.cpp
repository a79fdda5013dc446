#include "webhooks/webhook_sender.hpp"

#include <httplib.h>

#include <memory>

namespace vs::webhooks {

namespace {

std::string seconds_text(std::chrono::milliseconds duration) {
  char text[32];
  std::snprintf(text, sizeof text, "%g s", static_cast<double>(duration.count()) / 1000.0);
  return text;
}

std::string describe(httplib::Error failure, const outgoing_request& request, const std::string& address,
                     std::chrono::milliseconds elapsed, bool past_deadline) {
  const std::string where = request.url.authority() + " (" + address + ")";
  switch (failure) {
    case httplib::Error::Connection:
      return "could not connect to " + where;
    case httplib::Error::ConnectionTimeout:
      return "connecting to " + where + " timed out after " + seconds_text(request.timeout);
    case httplib::Error::Read:
      if (elapsed >= request.timeout)
        return "no answer from " + where + " within " + seconds_text(request.timeout);
      return "the connection to " + where + " closed before an answer";
    case httplib::Error::Write:
      return "sending to " + where + " failed";
    case httplib::Error::Canceled:
      if (past_deadline)
        return "the answer from " + where + " took longer than " + seconds_text(request.timeout);
      return "the attempt to " + where + " was cancelled";
    case httplib::Error::SSLConnection:
      return "the TLS handshake with " + where + " failed";
    case httplib::Error::SSLLoadingCerts:
      return "the trusted certificates could not be loaded" +
             (request.ca_file.empty() ? std::string() : " from " + request.ca_file);
    case httplib::Error::SSLServerVerification:
      return "the TLS certificate of " + where + " is not valid for " + request.url.host;
    default:
      return "the request to " + where + " failed: " + httplib::to_string(failure);
  }
}

attempt_outcome send_to(const outgoing_request& request, const std::string& address) {
  const auto started = std::chrono::steady_clock::now();
  const auto deadline = started + request.timeout;
  const callback_url& url = request.url;
  std::unique_ptr<httplib::ClientImpl> client;
  if (url.https)
    client = std::make_unique<httplib::SSLClient>(url.host, url.port);
  else
    client = std::make_unique<httplib::ClientImpl>(url.host, url.port);
  // The connection goes to the checked address; the name stays the host's
  // for the Host header, SNI and the certificate check.
  client->set_hostname_addr_map({{url.host, address}});
  const auto timeout_s = static_cast<time_t>(request.timeout.count() / 1000);
  const auto timeout_us = static_cast<time_t>((request.timeout.count() % 1000) * 1000);
  client->set_connection_timeout(timeout_s, timeout_us);
  client->set_read_timeout(timeout_s, timeout_us);
  client->set_write_timeout(timeout_s, timeout_us);
  client->set_follow_location(false);
  client->set_keep_alive(false);
  if (!request.ca_file.empty())
    client->set_ca_cert_path(request.ca_file.c_str());

  httplib::Request post;
  post.method = "POST";
  post.path = url.target;
  post.body = request.body;
  post.set_header("Host", url.authority());
  post.set_header("Content-Type", "application/json");
  for (const auto& [name, value] : request.headers)
    post.set_header(name, value);
  bool past_deadline = false;
  // The answer's body is not needed: read and dropped, and a receiver that
  // dribbles it out forever is cut off at the deadline.
  post.content_receiver = [&](const char*, size_t, uint64_t, uint64_t) {
    past_deadline = std::chrono::steady_clock::now() > deadline;
    return !past_deadline;
  };
  auto result = client->send(post);
  auto elapsed = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started);
  attempt_outcome outcome;
  if (result)
    outcome.status = result->status;
  else
    outcome.error = describe(result.error(), request, address, elapsed, past_deadline);
  outcome.connect_failed = !result && result.error() == httplib::Error::Connection;
  return outcome;
}

} // namespace

attempt_outcome send_webhook(const outgoing_request& request) {
  attempt_outcome outcome;
  for (const auto& address : request.addresses) {
    outcome = send_to(request, address);
    if (!outcome.connect_failed)
      break;
  }
  return outcome;
}

} // namespace vs::webhooks
