#include "media/narration.hpp"

#include "media/timeline.hpp"

namespace vs::media {

expected<std::shared_ptr<const encoded_audio>> encode_narration(const render_spec& spec, const render_limits& limits,
                                                                const root_folders& roots,
                                                                const std::atomic<bool>* cancel) {
  if (spec.audio_path.empty())
    return std::shared_ptr<const encoded_audio>();
  // The job's whole soundtrack (music bed, ducking, loudness), as the
  // service's job preparer encodes it.
  audio_options options = audio_options_for(spec, limits);
  options.cancel = cancel;
  // When the slides set the length, the narration is trimmed or padded to it.
  options.fixed_seconds = fixed_audio_seconds(spec);
  auto audio = encode_audio_file(spec.audio_path, options, roots);
  if (!audio)
    return audio.error();
  return std::make_shared<const encoded_audio>(std::move(*audio));
}

} // namespace vs::media
