#pragma once
/// POST /uploads and GET /uploads/{id} (docs/uploads.md), and the body
/// limit of every request, since uploads are the bodies that stream to
/// disk under a limit of their own. Internal to api/.

#include "api/http_framing.hpp"
#include "api/http_routes.hpp"
#include "api/http_connection.hpp"
#include "api/http_reply.hpp"
#include "api/upload_store.hpp"

#include <httplib.h>
#include <nlohmann/json_fwd.hpp>

#include <exception>
#include <string>

namespace vs::api {

/// The body limit of `request`. Uploads (POST /uploads, and POST /jobs or
/// /generateVideo with multipart/form-data) stream to disk and may be
/// upload_max_bytes; every other body is JSON held in memory, at most
/// max_body_bytes.
body_limit body_limit_for(const httplib::Request& request, const http_config& config);

/// The 413 message of an upload over the limit, naming UPLOAD_MAX_MB.
std::string upload_too_large_message(uint64_t max_bytes);

/// An upload as the API shows it: id, path, size, kind, format, sha256,
/// the picture's size or the audio's codec, rate, channels and duration,
/// and when the sweep removes it unless a job uses it.
nlohmann::json upload_json(const upload_info& info, std::chrono::seconds max_age);

void install_upload_routes(route_registry& routes, const route_context& context);

/// guarded() for a handler that reads its body itself: an exception
/// answers 500 and, since the body may be partly unread, closes the
/// connection.
template <class Handler>
httplib::Server::HandlerWithContentReader guarded_reader(Handler handler) {
  return [handler](const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader) {
    try {
      handler(req, res, reader);
      return;
    } catch (const std::exception& e) {
      send_error(res, make_error(errc::internal, std::string("internal error: ") + e.what()));
    } catch (...) {
      send_error(res, make_error(errc::internal, "internal error"));
    }
    if (auto* connection = current_connection())
      connection->close_after_answer();
  };
}

} // namespace vs::api
