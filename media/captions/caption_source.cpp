#include "media/captions/caption_source.hpp"

#include "media/captions/caption_file.hpp"
#include "media/captions/caption_timing.hpp"
#include "media/captions/phrase_splitter.hpp"
#include "media/captions/voice_activity.hpp"

namespace vs::media::captions {

namespace {

expected<timed_captions> timed_text(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                                    const std::atomic<bool>* cancel) {
  const caption_request& request = spec.captions;
  std::vector<std::string> phrases =
      split_phrases(request.text, page_capacity_ems(request.style, spec.width, spec.height));
  narration_read_limits read_limits{limits.max_audio_file_bytes, limits.max_audio_seconds, cancel};
  auto levels = measure_narration(spec.audio_path, roots, read_limits);
  if (!levels)
    return levels.error();
  timed_captions timed;
  timed.cues = time_phrases(phrases, detect_speech(*levels), levels->duration_seconds());
  return timed;
}

expected<timed_captions> timed_captions_of(const render_spec& spec, const render_limits& limits,
                                           const root_folders& roots, const std::atomic<bool>* cancel) {
  const caption_request& request = spec.captions;
  if (!request.path.empty())
    return read_caption_file(request.path, roots, limits.captions);
  if (!request.text.empty())
    return timed_text(spec, limits, roots, cancel);
  return timed_captions{request.cues, request.words};
}

status check_font(const caption_style& style) {
  if (style.font.empty())
    return {};  // the default: fallbacks cover a machine without it
  return check_font_installed(style.font);
}

} // namespace

expected<std::shared_ptr<const caption_layout>> prepare_captions(const render_spec& spec, const render_limits& limits,
                                                                 const root_folders& roots,
                                                                 const std::atomic<bool>* cancel) {
  if (!spec.captions.requested())
    return std::shared_ptr<const caption_layout>();
  if (auto font = check_font(spec.captions.style); !font)
    return font.error();
  auto timed = timed_captions_of(spec, limits, roots, cancel);
  if (!timed)
    return timed.error();
  return make_caption_layout(timed->cues, timed->words, spec.captions.style, spec.width, spec.height, spec.fps);
}

status precheck_captions(const render_spec& spec, const render_limits& limits, const root_folders& roots) {
  if (!spec.captions.requested())
    return {};
  if (auto font = check_font(spec.captions.style); !font)
    return font;
  if (!spec.captions.path.empty())
    if (auto parsed = read_caption_file(spec.captions.path, roots, limits.captions); !parsed)
      return parsed.error();
  return {};
}

} // namespace vs::media::captions
