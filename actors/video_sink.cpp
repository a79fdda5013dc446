#include "actors/video_sink.hpp"

#include "actors/caf_error.hpp"
#include "media/poster.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

#include <filesystem>

namespace vs::actors {

video_sink_actor::behavior_type video_sink(video_sink_actor::stateful_pointer<video_sink_state> self) {
  return {
    [=](atom::start, encoder_setup& setup) -> caf::result<std::string> {
      auto& st = self->state;
      st.settings = setup.settings;
      st.output_path = setup.output_path;
      st.captions = setup.captions;
      st.cancelled = setup.cancelled;
      st.poster_frame = setup.poster_frame;
      st.poster_path = setup.poster_path;
      auto output = media::output_file::beside(setup.output_path);
      if (!output)
        return to_caf(output.error());
      st.output.emplace(std::move(*output));
      auto encoder = media::video_encoder::open(setup.settings);
      if (!encoder)
        return to_caf(encoder.error());
      st.encoder = std::move(*encoder);
      auto writer = media::mp4_writer::open(st.output->temporary_path(), *st.encoder->context(), setup.audio);
      if (!writer)
        return to_caf(writer.error());
      st.writer = std::move(*writer);
      return st.output->temporary_path();
    },
    [=](atom::frame, frame_result& frame) -> caf::result<frame_result> {
      auto& st = self->state;
      // Frames already queued when a job is cancelled are dropped unencoded.
      if (st.cancelled && st.cancelled->load(std::memory_order_relaxed))
        return caf_error(errc::cancelled, "the job was cancelled");
      if (!st.encoder || !st.writer)
        return caf_error(errc::internal, "a frame arrived before the encoder was opened");
      if (frame.index != st.frames)
        return caf_error(errc::internal, "frame " + std::to_string(frame.index) + " arrived out of order, expected " +
                                             std::to_string(st.frames));
      // The poster is the very frame the encoder gets.
      if (frame.index == st.poster_frame) {
        auto jpeg = media::encode_poster(frame.frame->view());
        if (!jpeg)
          return to_caf(jpeg.error());
        st.poster_jpeg = std::move(*jpeg);
      }
      media::mp4_writer& mp4 = *st.writer;
      auto encoded = st.encoder->encode(*frame.frame, frame.index,
                                        [&mp4](AVPacket& packet) { return mp4.write_video(packet); });
      if (!encoded)
        return to_caf(encoded.error());
      ++st.frames;
      return std::move(frame);
    },
    [=](atom::finish) -> caf::result<jobs::job_result> {
      auto& st = self->state;
      if (!st.encoder || !st.writer || !st.output)
        return caf_error(errc::internal, "finish before the encoder was opened");
      media::mp4_writer& mp4 = *st.writer;
      if (auto flushed = st.encoder->flush([&mp4](AVPacket& packet) { return mp4.write_video(packet); }); !flushed)
        return to_caf(flushed.error());
      if (auto finished = mp4.finish(); !finished)
        return to_caf(finished.error());
      st.writer.reset();
      st.encoder.reset();
      const double duration = static_cast<double>(st.frames) / st.settings.fps;
      std::optional<media::captions::caption_export> srt;
      if (st.captions) {
        auto written = media::captions::caption_export::write(
            st.output_path, media::captions::format_srt(st.captions->cues, duration));
        if (!written)
          return to_caf(written.error());
        srt.emplace(std::move(*written));
      }
      // The poster first: a video in place always has its poster beside it.
      const bool poster = st.poster_frame >= 0;
      if (poster)
        if (auto written = media::write_file_atomically(st.poster_path, st.poster_jpeg); !written)
          return to_caf(written.error());
      if (auto committed = media::captions::commit_with_captions(*st.output, srt); !committed) {
        std::error_code ignored;
        if (poster)
          std::filesystem::remove(st.poster_path, ignored);
        return to_caf(committed.error());
      }
      jobs::job_result result;
      if (srt)
        result.captions_path = srt->path();
      result.video_path = st.output_path;
      result.width = st.settings.width;
      result.height = st.settings.height;
      result.fps = st.settings.fps;
      result.frames = st.frames;
      result.duration_seconds = duration;
      std::error_code ec;
      result.file_size = static_cast<int64_t>(std::filesystem::file_size(st.output_path, ec));
      if (poster)
        result.poster_path = st.poster_path;
      self->quit();
      return result;
    },
    [=](atom::abort) -> caf::result<bool> {
      self->state.close();
      self->quit();
      return true;
    },
  };
}

} // namespace vs::actors
