#pragma once
/// From a job's caption request to the layout its frames are drawn with:
/// a file read and parsed, inline cues or words taken as they are, or plain
/// text cut into phrases and timed against the narration's speech.

#include "media/captions/caption_layout.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"

#include <atomic>
#include <memory>

namespace vs::media::captions {

/// Null when the job asks for no captions. Inputs are opened confined to
/// `roots`; errors name the field (captions, captions_text, caption_style.font).
expected<std::shared_ptr<const caption_layout>> prepare_captions(const render_spec& spec, const render_limits& limits,
                                                                 const root_folders& roots,
                                                                 const std::atomic<bool>* cancel = nullptr);

/// The checks worth making before a job is queued, so that the client hears
/// of them at once: the style's font is installed, the captions file exists
/// inside `roots` and parses.
status precheck_captions(const render_spec& spec, const render_limits& limits, const root_folders& roots);

} // namespace vs::media::captions
