#pragma once
/// The caption fields of a job body (HTTP body, `render --spec` file, a Redis
/// task's `params`):
///   captions       a path to an .srt/.vtt/.json file, a list of cues
///                  [{start, end, text}], or {"words": [{word, start, end}]}
///   captions_text  plain narration text, timed against the narration
///   caption_style  {font, bold, size, color, highlight_color, outline_color,
///                   outline, box, box_color, position, margin, max_lines,
///                   uppercase}
/// Absent or null fields keep what `captions` holds; errors name the field.

#include "jobs/field_doc.hpp"
#include "media/error.hpp"
#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

namespace vs::jobs {

status apply_caption_fields(const nlohmann::json& body, media::caption_request& captions);

/// The caption fields of a job body, documented: their names feed the
/// known-field check (job_request), their schemas /openapi.json.
const std::vector<field_doc>& caption_fields();

/// The JSON Schemas these fields refer to, by component name: CaptionStyle
/// (from the table of style fields, which also refuses other names in a
/// caption_style), CaptionColor, CaptionCue and CaptionWords.
nlohmann::json caption_schemas();

/// A caption_style object applied over `style` (the fields it has); a name
/// that is no style field is an error naming it and the closest one.
expected<media::captions::caption_style> parse_caption_style(const nlohmann::json& value,
                                                             media::captions::caption_style style);

} // namespace vs::jobs
