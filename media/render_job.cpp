#include "media/render_job.hpp"

#include "media/captions/caption_export.hpp"
#include "media/captions/caption_source.hpp"
#include "media/narration.hpp"
#include "media/output_file.hpp"
#include "media/poster.hpp"
#include "media/timeline.hpp"

#include <chrono>
#include <filesystem>

namespace vs::media {

expected<timeline> checked_timeline(const render_spec& spec, const render_limits& limits,
                                    std::optional<double> audio_seconds) {
  auto slides = timeline_for(spec, audio_seconds);
  if (!slides)
    return slides.error();
  if (slides->frame_count() > limits.max_output_frames)
    return make_error(errc::input_too_large,
                      "the video would have " + std::to_string(slides->frame_count()) +
                          " frames, over the limit of " + std::to_string(limits.max_output_frames));
  return slides;
}

expected<render_result> render_video(const render_spec& spec, const render_limits& limits,
                                     const render_callbacks& callbacks) {
  auto started = std::chrono::steady_clock::now();
  if (auto valid = validate(spec, limits); !valid)
    return valid.error();
  // Every input is opened confined to the spec's roots (none for the CLI).
  const root_folders roots(spec.input_roots);
  if (auto images = check_images(spec, limits, roots); !images)
    return images.error();
  auto output = output_file::beside(spec.output_path);
  if (!output)
    return output.error();

  auto audio = encode_narration(spec, limits, roots, callbacks.cancel);
  if (!audio)
    return audio.error();
  auto slides = checked_timeline(spec, limits, audio_seconds_of(*audio));
  if (!slides)
    return slides.error();
  auto captions = captions::prepare_captions(spec, limits, roots, callbacks.cancel);
  if (!captions)
    return captions.error();

  const int64_t total = slides->frame_count();
  auto poster_index = poster_frame(spec, *slides);
  if (!poster_index)
    return poster_index.error();
  poster_capture poster;
  poster.frame = poster_index->value_or(-1);
  if (auto rendered = render_range_to_mp4(spec, limits, roots, *slides, {0, total}, output->temporary_path(), *audio,
                                          true, callbacks, &poster, *captions);
      !rendered)
    return rendered.error();
  const double duration = static_cast<double>(total) / spec.fps;
  std::optional<captions::caption_export> srt;
  if (*captions) {
    auto written = captions::caption_export::write(spec.output_path, captions::format_srt((*captions)->cues, duration));
    if (!written)
      return written.error();
    srt.emplace(std::move(*written));
  }
  // The poster first: a video in place always has its poster beside it.
  const std::string poster_path = *poster_index ? poster_path_for(spec.output_path) : std::string();
  if (!poster_path.empty())
    if (auto written = write_file_atomically(poster_path, poster.jpeg); !written)
      return written.error();
  if (auto committed = captions::commit_with_captions(*output, srt); !committed) {
    std::error_code ignored;
    if (!poster_path.empty())
      std::filesystem::remove(poster_path, ignored);
    return committed.error();
  }

  render_result result;
  result.path = spec.output_path;
  result.poster_path = poster_path;
  result.frames = total;
  result.fps = spec.fps;
  result.duration_seconds = duration;
  if (srt)
    result.captions_path = srt->path();
  result.audio_seconds = *audio ? (*audio)->duration_seconds() : 0.0;
  result.width = spec.width;
  result.height = spec.height;
  std::error_code ec;
  result.file_size = static_cast<int64_t>(std::filesystem::file_size(spec.output_path, ec));
  result.elapsed_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

} // namespace vs::media
