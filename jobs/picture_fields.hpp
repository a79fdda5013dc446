#pragma once
/// The job fields about pictures (issue 8): `fit`, `background`, `motion`,
/// `transition` (a name or "random"), `transitions`, `slides` (objects with
/// `path`, `duration`, `fit`, `motion`, `focus`), `slide_starts` and
/// `poster`, mapped onto render_spec::pictures. Called by apply_job_fields;
/// a present field of the wrong type or value is an error naming it
/// ("slides[1].focus"), and so is an unknown field inside a slide object.

#include "jobs/field_doc.hpp"
#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

#include <vector>

namespace vs::jobs {

/// Applies the picture fields of `body` (a JSON object) onto `spec`.
/// `slides` sets image_paths too; giving both `slides` and `image_paths` is
/// an error. A slide object may omit `path` only where the paths come from
/// elsewhere (a Redis task's slide_ids); media::validate refuses it otherwise.
status apply_picture_fields(const nlohmann::json& body, media::render_spec& spec);

/// The top-level job fields apply_picture_fields reads, documented: their
/// names feed the known-field check (job_request), their schemas /openapi.json.
const std::vector<field_doc>& picture_fields();

/// The JSON Schemas these fields refer to, by component name: Slide (from
/// the table of slide fields, which also refuses other names in a slide),
/// Fit, Motion and Transition.
nlohmann::json picture_schemas();

} // namespace vs::jobs
