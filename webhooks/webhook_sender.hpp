#pragma once
/// One delivery attempt: a POST to an address that was checked
/// (address_policy), never to a second DNS answer; the next one is tried
/// only when connecting to one fails. For https the TLS name
/// (SNI) and the certificate check use the URL's host name, not the
/// address. Redirects are not followed. The whole attempt, answer body
/// included, is bounded by `timeout`; the body is read and dropped.

#include "webhooks/callback_url.hpp"

#include <chrono>
#include <string>
#include <utility>
#include <vector>

namespace vs::webhooks {

struct outgoing_request {
  callback_url url;
  std::vector<std::string> addresses;  ///< numeric, checked: where to connect, in order
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;       ///< sent as application/json
  std::chrono::milliseconds timeout{10'000};
  std::string ca_file;    ///< PEM file of trusted CAs; empty: the system's
};

struct attempt_outcome {
  int status = 0;         ///< the answer's HTTP status; 0: none
  std::string error;      ///< why there was no answer
  bool connect_failed = false;  ///< no connection at all: the next address may do
};

attempt_outcome send_webhook(const outgoing_request& request);

} // namespace vs::webhooks
