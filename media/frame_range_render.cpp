#include "media/frame_range_render.hpp"

#include "media/fit_compose.hpp"
#include "media/frame_composer.hpp"
#include "media/frame_pipeline.hpp"
#include "media/image_probe.hpp"
#include "media/mp4_writer.hpp"
#include "media/poster.hpp"
#include "media/slide_cache.hpp"
#include "media/slide_plan.hpp"

#include <algorithm>
#include <thread>
#include <vector>

namespace vs::media {

namespace {

int default_threads() { return std::max(1u, std::thread::hardware_concurrency()); }

/// Takes frame `frame_number` of the video, in order.
using range_consumer = std::function<status(int64_t frame_number, video_frame& frame)>;

/// Draws frames [range.first, range.end) on the render threads and hands
/// them to `consume` in order, holding no more slides than the cache's window.
status draw_frame_range(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                        const timeline& slides, frame_range range, const range_consumer& consume_frame,
                        const render_callbacks& callbacks,
                        std::shared_ptr<const captions::caption_layout> captions) {
  if (range.first < 0 || range.end > slides.frame_count() || range.size() <= 0)
    return make_error(errc::input_invalid, "frames [" + std::to_string(range.first) + ", " +
                                               std::to_string(range.end) + ") are not within the video's " +
                                               std::to_string(slides.frame_count()) + " frames");
  const render_plan plan = make_render_plan(spec, slides, std::move(captions));
  const image_decode_limits decode_limits = image_limits_of(limits);
  slide_cache cache(slides.slide_count(), [&](int slide) -> expected<slide_image> {
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
  const int64_t total = range.size();
  // Start preparing a slide a second before it appears, off the critical
  // path, when the window has room for it.
  const int64_t lookahead = spec.fps;

  auto produce = [&](int64_t index, picture_view target, int worker) -> status {
    const int64_t frame_number = range.first + index;
    frame_plan frame = slides.plan(frame_number);
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
    if (auto painted = paint_captions(plan, frame_number, target, scratch[static_cast<size_t>(worker)]); !painted)
      return painted;
    int upcoming = slides.slide_at(std::min(frame_number + lookahead, range.end - 1));
    if (upcoming != frame.first && upcoming != frame.second)
      cache.prefetch(upcoming);
    return {};
  };

  auto consume = [&](int64_t index, video_frame& frame) -> status {
    if (auto taken = consume_frame(range.first + index, frame); !taken)
      return taken;
    // Frames are consumed in order, so slides before the next frame's first are done.
    if (index + 1 < total)
      cache.release_before(slides.plan(range.first + index + 1).first);
    if (callbacks.progress)
      callbacks.progress(index + 1, total);
    return {};
  };

  frame_pipeline_settings pipeline{total, spec.width, spec.height, threads, 2 * threads + 2, {}};
  // A frame starts only once its slides lie within the cache's window: with
  // frame k consumed the window starts at frame k + 1's first slide, so a
  // frame whose last slide is s waits for the frames before slide
  // s − window + 1 is first. Frames as short as one slide each then keep
  // the window's few slides alive, not a second of them. Indices count
  // from the range's first frame.
  pipeline.consumed_before = [&](int64_t index) -> int64_t {
    const frame_plan frame = slides.plan(range.first + index);
    const int oldest_needed = std::max(frame.first, frame.second) - slide_cache::default_window + 1;
    if (oldest_needed <= 0)
      return 0;
    return std::clamp<int64_t>(slides.last_frame_of(oldest_needed - 1) + 1 - range.first, 0, index);
  };
  return run_frame_pipeline(pipeline, produce, consume, callbacks.cancel);
}

} // namespace

status check_images(const render_spec& spec, const render_limits& limits, const root_folders& roots) {
  for (const auto& path : spec.image_paths)
    if (auto header = probe_image_file(path, image_limits_of(limits), roots); !header)
      return header.error();
  return {};
}

video_encoder_settings encoder_settings_of(const render_spec& spec) {
  return {spec.width, spec.height, spec.fps, spec.preset, spec.crf, spec.encoder_threads, spec.lookahead};
}

status encode_frame_range(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                          const timeline& slides, frame_range range, video_encoder& encoder,
                          const packet_sink& sink, const render_callbacks& callbacks, poster_capture* poster,
                          std::shared_ptr<const captions::caption_layout> captions) {
  auto consume = [&](int64_t frame_number, video_frame& frame) -> status {
    // The poster is the very frame the encoder gets.
    if (poster && frame_number == poster->frame) {
      auto jpeg = encode_poster(frame.view());
      if (!jpeg)
        return jpeg.error();
      poster->jpeg = std::move(*jpeg);
    }
    return encoder.encode(frame, frame_number - range.first, sink);
  };
  return draw_frame_range(spec, limits, roots, slides, range, consume, callbacks, std::move(captions));
}

status render_range_to_mp4(const render_spec& spec, const render_limits& limits, const root_folders& roots,
                           const timeline& slides, frame_range range, const std::string& path,
                           std::shared_ptr<const encoded_audio> audio, bool faststart,
                           const render_callbacks& callbacks, poster_capture* poster,
                           std::shared_ptr<const captions::caption_layout> captions) {
  // A fresh encoder: its first frame is an IDR, and x264 (no open GOP) never
  // lets a frame of this range refer to one outside it.
  auto encoder = video_encoder::open(encoder_settings_of(spec));
  if (!encoder)
    return encoder.error();
  auto writer = mp4_writer::open(path, *(*encoder)->context(), std::move(audio), faststart);
  if (!writer)
    return writer.error();
  mp4_writer& mp4 = **writer;
  packet_sink to_file = [&](AVPacket& packet) { return mp4.write_video(packet); };
  if (auto rendered = encode_frame_range(spec, limits, roots, slides, range, **encoder, to_file, callbacks, poster,
                                            std::move(captions));
      !rendered)
    return rendered;
  if (auto flushed = (*encoder)->flush(to_file); !flushed)
    return flushed;
  return mp4.finish();
}

expected<std::string> render_poster_jpeg(const render_spec& spec, const render_limits& limits,
                                         const root_folders& roots, const timeline& slides, int64_t frame,
                                         const std::atomic<bool>* cancel,
                                         std::shared_ptr<const captions::caption_layout> captions) {
  std::string jpeg;
  auto take = [&](int64_t, video_frame& drawn) -> status {
    auto encoded = encode_poster(drawn.view());
    if (!encoded)
      return encoded.error();
    jpeg = std::move(*encoded);
    return {};
  };
  render_callbacks callbacks;
  callbacks.cancel = cancel;
  if (auto drawn = draw_frame_range(spec, limits, roots, slides, {frame, frame + 1}, take, callbacks, captions);
      !drawn)
    return drawn.error();
  return jpeg;
}

} // namespace vs::media
