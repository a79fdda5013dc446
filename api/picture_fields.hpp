#pragma once
/// The job fields about pictures (issue 8): `fit`, `background`, `motion`,
/// `transition` (a name or "random"), `transitions`, `slides` (objects with
/// `path`, `duration`, `fit`, `motion`, `focus`), `slide_starts` and
/// `poster`, mapped onto render_spec::pictures. Called by apply_job_fields;
/// a present field of the wrong type or value is an error naming it
/// ("slides[1].focus"), and so is an unknown field inside a slide object.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace vs::api {

/// Applies the picture fields of `body` (a JSON object) onto `spec`.
/// `slides` sets image_paths too; giving both `slides` and `image_paths` is
/// an error. A slide object may omit `path` only where the paths come from
/// elsewhere (a Redis task's slide_ids); media::validate refuses it otherwise.
status apply_picture_fields(const nlohmann::json& body, media::render_spec& spec);

/// The top-level job fields apply_picture_fields reads (for the known-field
/// check in job_request).
const std::vector<const char*>& picture_field_names();

/// The names a slide object may hold.
const char* slide_field_names();

} // namespace vs::api
