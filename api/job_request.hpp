#pragma once
/// The job body of PROTOCOL.md (HTTP body, `render --spec` file, a Redis
/// task's `params`) mapped onto a render_spec. Fields absent from the body
/// (or null) keep the defaults passed in, except `loudness: null`, which
/// leaves the audio levels alone; unknown fields are ignored; a present field
/// of the wrong type or range is an error naming that field.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace vs::api {

/// Parses `text` as a JSON object (errc::malformed_request otherwise).
expected<nlohmann::json> parse_json_object(const std::string& text);

/// Applies the job fields of `body` onto `defaults`. Does not set output_path
/// (the caller decides where results go) and does not run media::validate.
expected<media::render_spec> apply_job_fields(const nlohmann::json& body, media::render_spec defaults);

/// Parses "1920x1080" or [1920, 1080].
expected<std::pair<int, int>> parse_resolution(const nlohmann::json& value);

} // namespace vs::api
