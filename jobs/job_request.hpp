#pragma once
/// The job body of PROTOCOL.md (HTTP body, `render --spec` file, a Redis
/// task's `params`) mapped onto a render_spec. Fields absent from the body
/// (or null) keep the defaults passed in, except `loudness: null`, which
/// leaves the audio levels alone; a present field of the wrong type or range
/// is an error naming that field. The fields are one table in
/// job_request.cpp (`job_fields`): add a field there.
///
/// Unknown fields: an HTTP body or a `render --spec` file naming one is
/// refused (check_known_fields), since a misspelt field would otherwise be
/// rendered with its default. A Redis task's `params` is shared with the
/// other services of the pipeline, which keep their own fields in it, so
/// apply_job_fields ignores unknown fields and the worker only warns about
/// names close to a job field (likely_misspellings).

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <vector>

namespace vs::jobs {

/// Parses `text` as a JSON object (errc::malformed_request otherwise).
expected<nlohmann::json> parse_json_object(const std::string& text);

/// Applies the job fields of `body` onto `defaults`. Does not set output_path
/// (the caller decides where results go) and does not run media::validate.
expected<media::render_spec> apply_job_fields(const nlohmann::json& body, media::render_spec defaults);

/// The names of every job field, in the table's order.
std::vector<std::string> job_field_names();

/// The JSON Schemas of a job body for /openapi.json, by component name:
/// "Job" (generated from the field tables: every field with its schema,
/// description and default, no other field allowed) and the objects it
/// refers to (Slide, CaptionStyle, ...). Throws std::logic_error if a table
/// row lacks its schema or description.
nlohmann::json job_request_schemas();

/// errc::invalid_argument for the first field of `body` that is not a job
/// field (fields in name order), naming it and the closest job field.
status check_known_fields(const nlohmann::json& body);

/// Unknown fields of `body` within two edits of a job field, as
/// "resoluton (did you mean resolution?)": for warnings where unknown
/// fields are allowed.
std::vector<std::string> likely_misspellings(const nlohmann::json& body);

/// Parses "1920x1080" or [1920, 1080].
expected<std::pair<int, int>> parse_resolution(const nlohmann::json& value);

} // namespace vs::jobs
