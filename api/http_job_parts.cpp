#include "api/http_job_parts.hpp"

#include "api/http_uploads.hpp"
#include "jobs/job_request.hpp"
#include "jobs/json_text.hpp"
#include "api/upload_receiver.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>

namespace vs::api {

using nlohmann::json;

namespace {

constexpr const char* job_part = "job";

/// Calls `visit(field, value)` for every string the job gives as an input
/// path: audio_path, music_path, captions (a path when it is a string),
/// image_paths[i], slides[i] and slides[i].path. Other shapes are left to
/// the job's own checks.
void for_each_path(json& job, const std::function<void(const std::string&, json&)>& visit) {
  for (const char* name : {"audio_path", "music_path", "captions"})
    if (auto found = job.find(name); found != job.end() && found->is_string())
      visit(name, *found);
  if (auto images = job.find("image_paths"); images != job.end() && images->is_array())
    for (size_t i = 0; i < images->size(); ++i)
      if ((*images)[i].is_string())
        visit("image_paths[" + std::to_string(i) + "]", (*images)[i]);
  if (auto slides = job.find("slides"); slides != job.end() && slides->is_array())
    for (size_t i = 0; i < slides->size(); ++i) {
      json& slide = (*slides)[i];
      if (slide.is_string())
        visit("slides[" + std::to_string(i) + "]", slide);
      else if (auto path = slide.find("path"); slide.is_object() && path != slide.end() && path->is_string())
        visit("slides[" + std::to_string(i) + "].path", *path);
    }
}

/// The "@part" references of `job` must each name a file part, and each
/// file part must be named: a typo on either side is an error, not a job
/// rendered without the file.
status check_references(json& job, const std::vector<received_file>& files) {
  std::optional<error> failure;
  std::vector<bool> used(files.size(), false);
  for_each_path(job, [&](const std::string& field, json& value) {
    const std::string& text = value.get_ref<const std::string&>();
    if (failure || text.empty() || text[0] != '@')
      return;
    auto named = std::find_if(files.begin(), files.end(), [&](const received_file& f) { return f.part == text.substr(1); });
    if (named == files.end()) {
      std::string parts;
      for (const auto& file : files)
        parts += (parts.empty() ? "" : ", ") + file.part;
      failure = make_error(errc::invalid_argument,
                           field + " names part " + text + ", which the request does not have (its file parts: " +
                               (parts.empty() ? "none" : parts) + ")",
                           field);
      return;
    }
    used[static_cast<size_t>(named - files.begin())] = true;
  });
  if (failure)
    return *failure;
  for (size_t i = 0; i < files.size(); ++i)
    if (!used[i])
      return make_error(errc::invalid_argument,
                        "part " + files[i].part + " is not used by the job; name it as \"@" + files[i].part +
                            "\" in a path field (audio_path, music_path, image_paths, slides, captions)",
                        files[i].part);
  return {};
}

void replace_references(json& job, const std::vector<received_file>& files, const std::vector<upload_info>& stored) {
  for_each_path(job, [&](const std::string&, json& value) {
    const std::string text = value.get<std::string>();
    for (size_t i = 0; i < files.size(); ++i)
      if (!text.empty() && text[0] == '@' && files[i].part == text.substr(1))
        value = stored[i].path;
  });
}

/// The multipart job of `req` as a JSON body, its files stored as uploads;
/// the answer written to `res` instead if it cannot be.
std::optional<std::string> multipart_job(const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& reader, const route_context& context) {
  receive_rules rules;
  rules.text_parts = {job_part};
  rules.max_text_bytes = context.config.max_body_bytes;
  rules.max_file_bytes = context.config.upload_max_bytes;
  rules.too_large = upload_too_large_message(context.config.upload_max_bytes);
  auto body = receive_body(req, reader, context.uploads, rules);
  if (!body) {
    send_error(res, body.error());
    return std::nullopt;
  }
  auto text = body->texts.find(job_part);
  if (text == body->texts.end()) {
    send_error(res, make_error(errc::invalid_argument,
                               "a multipart/form-data job needs a part named job holding the job's JSON", job_part));
    return std::nullopt;
  }
  auto job = jobs::parse_json_object(text->second);
  if (!job) {
    send_error(res, job.error());
    return std::nullopt;
  }
  if (auto checked = check_references(*job, body->files); !checked) {
    send_error(res, checked.error());
    return std::nullopt;
  }
  auto stored = store_received(context.uploads, body->files);
  if (!stored) {
    send_error(res, stored.error(), refusal_status(stored.error()));
    return std::nullopt;
  }
  replace_references(*job, body->files, *stored);
  return jobs::json_text(*job);
}

} // namespace

httplib::Server::HandlerWithContentReader job_body_reader(route_context context, job_route route) {
  return guarded_reader([context, route](const httplib::Request& req, httplib::Response& res,
                                         const httplib::ContentReader& reader) {
    // The route reads the job from a request of its own, whose body is
    // the job's JSON however it came.
    httplib::Request job_request;
    job_request.method = req.method;
    job_request.path = req.path;
    job_request.headers = req.headers;
    if (req.is_multipart_form_data()) {
      auto job = multipart_job(req, res, reader, context);
      if (!job)
        return;
      job_request.body = std::move(*job);
    } else {
      // Counted as it is decoded: a gzip body of a megabyte can inflate to
      // a gigabyte, and the connection only bounds the bytes on the wire.
      const uint64_t limit = context.config.max_body_bytes;
      bool too_large = false;
      bool read = reader([&](const char* data, size_t size) {
        too_large = job_request.body.size() + size > limit;
        if (!too_large)
          job_request.body.append(data, size);
        return !too_large;
      });
      if (too_large) {
        if (auto* connection = current_connection())
          connection->close_after_answer();
        return send_error(res, make_error(errc::input_too_large, body_too_large_message(limit)));
      }
      if (!read)
        return;  // httplib set the status; the error handler explains it (http_guards)
    }
    route(job_request, res, context);
  });
}

} // namespace vs::api
