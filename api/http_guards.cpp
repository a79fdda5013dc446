#include "api/http_guards.hpp"

#include "api/http_cors.hpp"
#include "api/http_reply.hpp"

#include <algorithm>
#include <string>

namespace vs::api {

namespace {

using handler_response = httplib::Server::HandlerResponse;

/// Runs before routing, so before httplib reads a body.
handler_response guard_request(httplib::Response& res, const http_config& config, body_memory& bodies) {
  connection_stream* connection = current_connection();
  if (!connection)
    return handler_response::Unhandled;
  const request_framing& framing = connection->framing();
  std::optional<framing_refusal> refusal = framing.refusal;
  if (!refusal && framing.kind != body_framing::none) {
    uint64_t bytes = framing.kind == body_framing::length ? framing.length : config.max_body_bytes;
    // A streamed body goes to disk; what of it may sit in memory (a
    // multipart job's JSON part) is bounded by the JSON limit.
    if (framing.limit.streamed)
      bytes = std::min<uint64_t>(bytes, config.max_body_bytes);
    if (!connection->hold_body_memory(bodies, bytes))
      refusal = framing_refusal{
          503, make_error(errc::unavailable, "the server is receiving too many request bodies at once; retry later")};
  }
  if (!refusal)
    return handler_response::Unhandled;
  connection->close_after_answer();
  send_error(res, refusal->failure, refusal->status);
  return handler_response::Handled;
}

std::string seconds_text(std::chrono::milliseconds duration) {
  auto tenths = duration.count() / 100;
  return std::to_string(tenths / 10) + (tenths % 10 != 0 ? "." + std::to_string(tenths % 10) : "") + " s";
}

/// httplib answers a read that failed with 400; the connection knows why.
void explain_fault(const connection_stream& connection, httplib::Response& res, const http_config& config) {
  const connection_fault fault = connection.fault();
  res.body.clear();
  switch (fault) {
    case connection_fault::none: return;
    case connection_fault::timed_out:
      return send_error(res,
                        make_error(errc::malformed_request,
                                   "the request was not received within " + seconds_text(config.request_timeout)),
                        408);
    case connection_fault::head_too_large:
      return send_error(res,
                        make_error(errc::malformed_request, "the request line and headers are larger than " +
                                                                std::to_string(config.max_head_bytes) + " bytes"),
                        431);
    case connection_fault::body_too_large:
      return send_error(res, make_error(errc::input_too_large, connection.framing().limit.too_large), 413);
    case connection_fault::server_stopping:
      return send_error(res, make_error(errc::unavailable, "the server is stopping; retry on another instance"));
  }
}

error error_for_status(const httplib::Request& req, int status, const http_config& config) {
  switch (status) {
    case 404: return make_error(errc::not_found, "no route for " + req.method + " " + req.path);
    case 413: return make_error(errc::input_too_large, body_too_large_message(config.max_body_bytes));
    case 414: return make_error(errc::malformed_request, "the request target is too long");
    case 400: return make_error(errc::malformed_request, "the request is not valid HTTP/1.1");
    case 503: return make_error(errc::unavailable, "the service is unavailable; retry later");
    default:
      return make_error(status < 500 ? errc::malformed_request : errc::internal,
                        "the request failed with HTTP status " + std::to_string(status));
  }
}

/// Every answer of status >= 400 passes here; httplib's own ones come
/// without a body.
void complete_error(const httplib::Request& req, httplib::Response& res, const http_config& config) {
  connection_stream* connection = current_connection();
  if (connection && connection->fault() != connection_fault::none && res.status < 500)
    explain_fault(*connection, res, config);
  if (!res.body.empty())
    return;
  // httplib refused the request itself (bad request line or headers, URI
  // too long): the rest of what the client sent cannot be trusted.
  if (connection && res.status != 404)
    connection->close_after_answer();
  send_error(res, error_for_status(req, res.status, config), res.status);
}

constexpr const char* last_resort_body = R"({"error":{"code":"internal","message":"internal error"}})";

void last_resort(httplib::Response& res) noexcept {
  try {
    res.status = 500;
    res.set_content(last_resort_body, "application/json");
  } catch (...) {
  }
}

} // namespace

void install_guards(httplib::Server& server, const http_config& config, body_memory& bodies) {
  server.set_pre_routing_handler([&config, &bodies](const httplib::Request&, httplib::Response& res) {
    try {
      return guard_request(res, config, bodies);
    } catch (...) {
      if (auto* connection = current_connection())
        connection->close_after_answer();
      last_resort(res);
      return handler_response::Handled;
    }
  });

  // A client that asks before sending its body hears the refusal instead
  // of "100 Continue" (httplib would say 100 to anything).
  server.set_expect_100_continue_handler([&config, &bodies](const httplib::Request&, httplib::Response& res) {
    try {
      return guard_request(res, config, bodies) == handler_response::Handled ? res.status : 100;
    } catch (...) {
      last_resort(res);
      return res.status;
    }
  });

  server.set_error_handler([&config](const httplib::Request& req, httplib::Response& res) {
    try {
      complete_error(req, res, config);
    } catch (...) {
      last_resort(res);
    }
  });

  // Exceptions thrown while routing outside a route handler (those catch
  // their own): reading the body, matching, allocation.
  server.set_exception_handler([](const httplib::Request&, httplib::Response& res, std::exception_ptr thrown) {
    try {
      std::string what = "unknown exception";
      try {
        if (thrown)
          std::rethrow_exception(thrown);
      } catch (const std::exception& e) {
        what = e.what();
      } catch (...) {
      }
      send_error(res, make_error(errc::internal, "internal error: " + what));
    } catch (...) {
      last_resort(res);
    }
  });

  server.set_post_routing_handler([&config](const httplib::Request& req, httplib::Response& res) {
    try {
      add_cors_headers(req, res, config.cors_origins);
      if ((res.status == 429 || res.status == 503) && !res.has_header("Retry-After"))
        res.set_header("Retry-After", std::to_string(config.retry_after.count()));
      auto* connection = current_connection();
      if (connection && connection->must_close()) {
        res.headers.erase("Keep-Alive");
        if (res.get_header_value("Connection") != "close") {
          res.headers.erase("Connection");
          res.set_header("Connection", "close");
        }
      }
    } catch (...) {
    }
  });
}

} // namespace vs::api
