#include "api/http_uploads.hpp"

#include "api/http_guarded.hpp"
#include "api/upload_receiver.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

using nlohmann::json;

namespace {

constexpr size_t max_filename_bytes = 255;

/// The client's name for a raw body: ?filename=… or X-Filename.
expected<std::string> raw_filename(const httplib::Request& req) {
  std::string name = req.has_param("filename") ? req.get_param_value("filename") : req.get_header_value("X-Filename");
  if (name.size() > max_filename_bytes)
    return make_error(errc::invalid_argument,
                      "filename is longer than " + std::to_string(max_filename_bytes) + " bytes", "filename");
  return name;
}

void post_uploads(const httplib::Request& req, httplib::Response& res, const httplib::ContentReader& reader,
                  const route_context& context) {
  auto filename = raw_filename(req);
  if (!filename) {
    if (auto* connection = current_connection())
      connection->close_after_answer();  // the body is not read
    return send_error(res, filename.error());
  }
  receive_rules rules;
  rules.file_part = "file";
  rules.max_file_bytes = context.config.upload_max_bytes;
  rules.too_large = upload_too_large_message(context.config.upload_max_bytes);
  rules.raw_filename = *filename;
  auto body = receive_body(req, reader, context.uploads, rules);
  if (!body)
    return send_error(res, body.error());
  if (body->files.empty())
    return send_error(res, make_error(errc::invalid_argument,
                                      "the request has no file: send it as the body, or in multipart/form-data "
                                      "parts named file",
                                      "file"));
  auto stored = store_received(context.uploads, body->files);
  if (!stored)
    return send_error(res, stored.error(), refusal_status(stored.error()));
  json answers = json::array();
  for (size_t i = 0; i < stored->size(); ++i) {
    json answer = upload_json((*stored)[i], context.uploads.max_age());
    if (!body->files[i].filename.empty())
      answer["filename"] = body->files[i].filename;
    answers.push_back(std::move(answer));
  }
  if (answers.size() > 1)
    return send_json(res, 201, {{"uploads", answers}});
  res.set_header("Location", "/uploads/" + stored->front().id);
  send_json(res, 201, answers.front());
}

bool streams_to_disk(const httplib::Request& request) {
  if (request.method != "POST")
    return false;
  if (request.path == "/uploads")
    return true;
  return (request.path == "/jobs" || request.path == "/generateVideo") && request.is_multipart_form_data();
}

} // namespace

std::string upload_too_large_message(uint64_t max_bytes) {
  return "the upload is larger than the limit of " + std::to_string(max_bytes >> 20) + " MiB (" +
         std::to_string(max_bytes) + " bytes; UPLOAD_MAX_MB)";
}

body_limit body_limit_for(const httplib::Request& request, const http_config& config) {
  if (streams_to_disk(request))
    return body_limit{config.upload_max_bytes, upload_too_large_message(config.upload_max_bytes), true};
  return body_limit{config.max_body_bytes, body_too_large_message(config.max_body_bytes), false};
}

json upload_json(const upload_info& info, std::chrono::seconds max_age) {
  const media::input_identity& identity = info.identity;
  json answer = {{"id", info.id},         {"path", info.path},
                 {"size", info.size},     {"kind", media::to_string(identity.kind)},
                 {"format", identity.format}, {"sha256", info.sha256}};
  if (identity.kind == media::input_kind::image) {
    answer["width"] = identity.width;
    answer["height"] = identity.height;
  } else {
    answer["codec"] = identity.codec;
    answer["sample_rate"] = identity.sample_rate;
    answer["channels"] = identity.channels;
    if (identity.duration_seconds > 0)
      answer["duration"] = identity.duration_seconds;
  }
  answer["expires_at_ms"] = info.modified_at_ms + static_cast<int64_t>(max_age.count()) * 1000;
  return answer;
}

void install_upload_routes(route_registry& routes, const route_context& context) {
  routes.add("POST", "/uploads", guarded_reader([context](const httplib::Request& req, httplib::Response& res,
                                                   const httplib::ContentReader& reader) {
                post_uploads(req, res, reader, context);
              }));
  routes.add("GET", "/uploads/{id}", R"(/uploads/([^/]{1,100}))", guarded([context](const httplib::Request& req, httplib::Response& res) {
               auto info = context.uploads.find(req.matches[1]);
               if (!info)
                 return send_error(res, info.error());
               send_json(res, 200, upload_json(*info, context.uploads.max_age()));
             }));
}

} // namespace vs::api
