#include "api/http_submit.hpp"

#include "api/http_framing.hpp"
#include "api/http_reply.hpp"
#include "jobs/job_request.hpp"
#include "media/captions/caption_source.hpp"

#include <nlohmann/json.hpp>

#include <string>

namespace vs::api {

namespace {

/// Parses and checks a job body: JSON object, only known fields, well typed, input
/// files inside the media roots and present, parameters within bounds.
expected<media::render_spec> read_job(const httplib::Request& req, const route_context& context) {
  // A chunked body is bounded on the wire (http_connection) with some room
  // for its framing; its data must fit the limit all the same.
  if (req.body.size() > context.config.max_body_bytes)
    return make_error(errc::input_too_large, body_too_large_message(context.config.max_body_bytes));
  auto body = jobs::parse_json_object(req.body);
  if (!body)
    return body.error();
  if (body->contains("output_path"))
    return make_error(errc::invalid_argument, "output_path is chosen by the service and cannot be set",
                      "output_path");
  if (auto known = jobs::check_known_fields(*body); !known)
    return known.error();
  auto spec = jobs::apply_job_fields(*body, media::render_spec{});
  if (!spec)
    return spec.error();
  if (!spec->audio_path.empty()) {
    auto audio = context.roots.resolve(spec->audio_path, "audio_path");
    if (!audio)
      return audio.error();
    spec->audio_path = *audio;
  }
  if (!spec->music_path.empty()) {
    auto music = context.roots.resolve(spec->music_path, "music_path");
    if (!music)
      return music.error();
    spec->music_path = *music;
  }
  for (size_t i = 0; i < spec->image_paths.size(); ++i) {
    // Named as the body gave it: image_paths, or the slide's own path.
    const std::string field =
        spec->pictures.slides.empty() ? "image_paths" : "slides[" + std::to_string(i) + "].path";
    std::string& image = spec->image_paths[i];
    auto resolved = context.roots.resolve(image, field);
    if (!resolved)
      return resolved.error();
    image = *resolved;
  }
  if (!spec->captions.path.empty()) {
    auto captions = context.roots.resolve(spec->captions.path, "captions");
    if (!captions)
      return captions.error();
    spec->captions.path = *captions;
  }
  // Checked again on the files the render opens: a folder swapped for a
  // symlink after this check must not lead outside the roots.
  for (const auto& root : context.roots.roots())
    spec->input_roots.push_back(root.string());
  // The service sets the real output path; validate everything else now so
  // the client hears about a bad field before the job is queued.
  media::render_spec checked = *spec;
  checked.output_path = "pending.mp4";
  if (auto valid = media::validate(checked, media::render_limits{}); !valid)
    return valid.error();
  // A malformed captions file or a font that is not installed: 422 now, not a failed job later.
  if (auto captions = media::captions::precheck_captions(checked, media::render_limits{},
                                                         media::root_folders(checked.input_roots));
      !captions)
    return captions.error();
  return spec;
}

} // namespace

expected<std::string> submit_job(const httplib::Request& req, const route_context& context) {
  auto spec = read_job(req, context);
  if (!spec)
    return spec.error();
  // Through the uploads: the ones the job uses are kept from the sweep.
  return context.uploads.submit(std::move(*spec), context.jobs);
}

void post_job(const httplib::Request& req, httplib::Response& res, const route_context& context) {
  auto id = submit_job(req, context);
  if (!id)
    return send_error(res, id.error());
  res.set_header("Location", "/jobs/" + *id);
  send_json(res, 202, {{"job_id", *id}, {"status", "queued"}, {"status_url", "/jobs/" + *id}});
}

} // namespace vs::api
