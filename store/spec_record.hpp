#pragma once
/// A queued job's render spec as the job store keeps it, so a job resumed
/// after a restart renders exactly what was asked: every field, the
/// frame-shaping ones through the chunk plan's codec (jobs/spec_json)
/// plus what that one leaves to the job's owner (output path, music and
/// loudness, captions).

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <string>

namespace vs::store {

/// JSON text; doubles read back bit for bit.
std::string spec_to_record(const media::render_spec& spec);

/// errc::input_invalid naming what is wrong when `text` is no such record.
expected<media::render_spec> spec_from_record(const std::string& text);

} // namespace vs::store
