#pragma once
/// A prepared caption layout as JSON, and back: the owner of a chunked job
/// prepares its captions once (a file parsed, text timed against the
/// narration) and hands the layout to the workers that render its chunks,
/// so that every chunk paints exactly the pictures the whole render would.

#include "media/captions/caption_layout.hpp"

#include <nlohmann/json_fwd.hpp>

#include <memory>

namespace vs::media::captions {

nlohmann::json layout_to_json(const caption_layout& layout);

/// errc::input_invalid naming what is missing or of the wrong type.
expected<std::shared_ptr<const caption_layout>> layout_from_json(const nlohmann::json& value);

} // namespace vs::media::captions
