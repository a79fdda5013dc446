#include "media/render_job.hpp"

#include "media/audio_encode.hpp"
#include "media/captions/caption_export.hpp"
#include "media/captions/caption_source.hpp"
#include "media/frame_composer.hpp"
#include "media/fit_compose.hpp"
#include "media/frame_pipeline.hpp"
#include "media/image_probe.hpp"
#include "media/mp4_writer.hpp"
#include "media/output_file.hpp"
#include "media/poster.hpp"
#include "media/slide_plan.hpp"
#include "media/slide_cache.hpp"
#include "media/timeline.hpp"
#include "media/video_encoder.hpp"

#include <chrono>
#include <filesystem>
#include <thread>

namespace vs::media {

namespace {

/// Refuses a bad slide before minutes of rendering, not when its turn comes.
status check_images(const render_spec& spec, const render_limits& limits, const root_folders& roots) {
  for (const auto& path : spec.image_paths)
    if (auto header = probe_image_file(path, image_limits_of(limits), roots); !header)
      return header.error();
  return {};
}

expected<std::shared_ptr<const encoded_audio>> encode_narration(const render_spec& spec,
                                                                 const render_limits& limits,
                                                                 const root_folders& roots,
                                                                 const render_callbacks& callbacks) {
  if (spec.audio_path.empty())
    return std::shared_ptr<const encoded_audio>();
  audio_options options = audio_options_for(spec, limits);
  options.cancel = callbacks.cancel;
  // When the slides set the length, the narration is trimmed or padded to it.
  options.fixed_seconds = fixed_audio_seconds(spec);
  auto audio = encode_audio_file(spec.audio_path, options, roots);
  if (!audio)
    return audio.error();
  return std::make_shared<const encoded_audio>(std::move(*audio));
}

int default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

} // namespace

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

  auto audio = encode_narration(spec, limits, roots, callbacks);
  if (!audio)
    return audio.error();
  auto slides = timeline_for(spec, *audio ? std::optional<double>((*audio)->duration_seconds()) : std::nullopt);
  if (!slides)
    return slides.error();
  if (slides->frame_count() > limits.max_output_frames)
    return make_error(errc::input_too_large,
                      "the video would have " + std::to_string(slides->frame_count()) +
                          " frames, over the limit of " + std::to_string(limits.max_output_frames));
  auto captions = captions::prepare_captions(spec, limits, roots, callbacks.cancel);
  if (!captions)
    return captions.error();
  const render_plan plan = make_render_plan(spec, *slides, *captions);
  auto poster_index = poster_frame(spec, *slides);
  if (!poster_index)
    return poster_index.error();
  std::string poster_jpeg;

  auto encoder = video_encoder::open({spec.width, spec.height, spec.fps, spec.preset, spec.crf,
                                      spec.encoder_threads, spec.lookahead});
  if (!encoder)
    return encoder.error();
  auto writer = mp4_writer::open(output->temporary_path(), *(*encoder)->context(), *audio);
  if (!writer)
    return writer.error();

  const image_decode_limits decode_limits = image_limits_of(limits);
  slide_cache cache(slides->slide_count(), [&](int slide) -> expected<slide_image> {
    auto decoded = decode_image_file(spec.image_paths[static_cast<size_t>(slide)], decode_limits, roots);
    if (!decoded)
      return decoded.error();
    auto working = compose_slide(std::move(*decoded), plan.work, look_of(spec, slide));
    if (!working)
      return working.error();
    return std::make_shared<const yuv_image>(std::move(*working));
  });

  int threads = spec.render_threads > 0 ? spec.render_threads : default_threads();
  std::vector<compose_scratch> scratch(static_cast<size_t>(threads));
  const int64_t total = slides->frame_count();
  // Start preparing a slide a second before it appears, off the critical
  // path, when the window has room for it.
  const int64_t lookahead = spec.fps;

  auto produce = [&](int64_t index, picture_view target, int worker) -> status {
    frame_plan frame = slides->plan(index);
    auto first = cache.get(frame.first);
    if (!first)
      return first.error();
    slide_image second;
    if (frame.second >= 0) {
      auto loaded = cache.get(frame.second);
      if (!loaded)
        return loaded.error();
      second = *loaded;
    }
    compose_frame(plan, frame, **first, second.get(), target, scratch[static_cast<size_t>(worker)]);
    if (auto painted = paint_captions(plan, index, target, scratch[static_cast<size_t>(worker)]); !painted)
      return painted;
    int upcoming = slides->slide_at(std::min(index + lookahead, total - 1));
    if (upcoming != frame.first && upcoming != frame.second)
      cache.prefetch(upcoming);
    return {};
  };

  mp4_writer& mp4 = **writer;
  packet_sink to_file = [&](AVPacket& packet) { return mp4.write_video(packet); };
  auto consume = [&](int64_t index, video_frame& frame) -> status {
    // The poster is the very frame the encoder gets.
    if (*poster_index && index == **poster_index) {
      auto jpeg = encode_poster(frame.view());
      if (!jpeg)
        return jpeg.error();
      poster_jpeg = std::move(*jpeg);
    }
    if (auto encoded = (*encoder)->encode(frame, index, to_file); !encoded)
      return encoded;
    // Frames are consumed in order, so slides before the next frame's first are done.
    if (index + 1 < total)
      cache.release_before(slides->plan(index + 1).first);
    if (callbacks.progress)
      callbacks.progress(index + 1, total);
    return {};
  };

  frame_pipeline_settings pipeline{total, spec.width, spec.height, threads, 2 * threads + 2, {}};
  // A frame starts only once its slides lie within the cache's window: with
  // frame k consumed the window starts at frame k + 1's first slide, so a
  // frame whose last slide is s waits for the frames before slide
  // s − window + 1 is first. Frames as short as one slide each then keep
  // the window's few slides alive, not a second of them.
  pipeline.consumed_before = [&](int64_t index) -> int64_t {
    const frame_plan frame = slides->plan(index);
    const int oldest_needed = std::max(frame.first, frame.second) - slide_cache::default_window + 1;
    return oldest_needed <= 0 ? 0 : slides->last_frame_of(oldest_needed - 1) + 1;
  };
  if (auto rendered = run_frame_pipeline(pipeline, produce, consume, callbacks.cancel); !rendered)
    return rendered.error();
  if (auto flushed = (*encoder)->flush(to_file); !flushed)
    return flushed.error();
  if (auto finished = mp4.finish(); !finished)
    return finished.error();
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
    if (auto written = write_file_atomically(poster_path, poster_jpeg); !written)
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
