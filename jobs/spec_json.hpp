#pragma once
/// A render spec as JSON with every field, and back: a chunked job's owner
/// stores it in the plan for the workers that render its chunks (frame k
/// must match the unchunked frame k), and the standalone job store keeps a
/// queued job's spec in it across restarts.

#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

#include <optional>
#include <string>

namespace vs::jobs {

std::string spec_to_json(const media::render_spec& spec);
/// The same as a JSON value, for a writer that adds fields of its own
/// (the chunk plan's caption layout, the job store's record) before text.
nlohmann::json spec_json_value(const media::render_spec& spec);
/// errc::input_invalid naming what is wrong when `text` is not such a spec.
expected<media::render_spec> spec_from_json(const std::string& text);
/// The same, for a spec already parsed (fields beyond the spec's are ignored).
expected<media::render_spec> spec_from_json(const nlohmann::json& json);

/// The narration's length as text that reads back to the same double
/// (empty: a silent video), and back.
std::string seconds_to_text(std::optional<double> seconds);
expected<std::optional<double>> seconds_from_text(const std::string& text);

} // namespace vs::jobs
