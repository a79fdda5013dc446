#pragma once
/// A job's narration, encoded once: for the whole video, or by the owner of
/// a chunked one (the chunks carry only its length, which fixes the timeline).

#include "media/audio_encode.hpp"
#include "media/error.hpp"
#include "media/render_spec.hpp"
#include "media/root_folders.hpp"

#include <atomic>
#include <memory>
#include <optional>

namespace vs::media {

/// The AAC of `spec.audio_path` (null for a silent video), trimmed or padded
/// when the slides set the length.
expected<std::shared_ptr<const encoded_audio>> encode_narration(const render_spec& spec, const render_limits& limits,
                                                                const root_folders& roots,
                                                                const std::atomic<bool>* cancel);

/// The length the timeline follows: the narration's, or none for a silent video.
inline std::optional<double> audio_seconds_of(const std::shared_ptr<const encoded_audio>& audio) {
  return audio ? std::optional<double>(audio->duration_seconds()) : std::nullopt;
}

} // namespace vs::media
