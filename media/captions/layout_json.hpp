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

/// errc::input_invalid unless `layout` was made for frames of `width` ×
/// `height` at `fps` and holds what make_caption_layout gives: sizes inside
/// the frame, events in order and apart, cues with finite times. A chunk
/// worker checks a layout read from a plan with it before drawing: libass
/// frame sizes and overlay buffers follow the layout's numbers.
status check_layout_fits(const caption_layout& layout, int width, int height, int fps);

} // namespace vs::media::captions
