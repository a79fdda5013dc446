#include "media/mp4_writer.hpp"

#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <algorithm>
#include <cstring>

namespace vs::media {

namespace {

error mux_failure(const std::string& what, const std::string& path, int code) {
  // Failing to write the file is the disk's fault (full, permissions); the
  // rest is FFmpeg refusing the streams.
  errc kind = code == AVERROR(ENOSPC) || code == AVERROR(EACCES) || code == AVERROR(EIO) ? errc::io_error
                                                                                        : errc::codec_error;
  return make_error(kind, what + " " + path + ": " + av::error_string(code));
}

} // namespace

expected<std::unique_ptr<mp4_writer>> mp4_writer::open(const std::string& path, const AVCodecContext& video,
                                                       std::shared_ptr<const encoded_audio> audio, bool faststart) {
  std::unique_ptr<AVCodecParameters, void (*)(AVCodecParameters*)> parameters(
      avcodec_parameters_alloc(), [](AVCodecParameters* p) { avcodec_parameters_free(&p); });
  if (parameters == nullptr)
    return make_error(errc::internal, "out of memory describing the video stream");
  if (int rc = avcodec_parameters_from_context(parameters.get(), &video); rc < 0)
    return mux_failure("cannot describe the video stream of", path, rc);
  // The encoder's time base is 1/fps (video_encoder sets it so).
  return open(path, *parameters, video.time_base.den / std::max(1, video.time_base.num), std::move(audio), faststart);
}

expected<std::unique_ptr<mp4_writer>> mp4_writer::open(const std::string& path, const AVCodecParameters& video,
                                                       int fps, std::shared_ptr<const encoded_audio> audio,
                                                       bool faststart) {
  std::unique_ptr<mp4_writer> writer(new mp4_writer);
  writer->path_ = path;
  writer->audio_ = std::move(audio);
  writer->audio_packet_ = av_packet_alloc();
  if (int rc = avformat_alloc_output_context2(&writer->format_, nullptr, "mp4", path.c_str()); rc < 0)
    return mux_failure("cannot create", path, rc);

  AVStream* video_stream = avformat_new_stream(writer->format_, nullptr);
  if (video_stream == nullptr || writer->audio_packet_ == nullptr)
    return make_error(errc::internal, "out of memory creating the MP4 streams");
  if (int rc = avcodec_parameters_copy(video_stream->codecpar, &video); rc < 0)
    return mux_failure("cannot describe the video stream of", path, rc);
  // A copied stream may carry the tag of its old container; let the muxer pick.
  video_stream->codecpar->codec_tag = 0;
  video_stream->time_base = AVRational{1, fps};
  video_stream->avg_frame_rate = AVRational{fps, 1};
  video_stream->r_frame_rate = AVRational{fps, 1};
  writer->video_stream_ = video_stream;
  writer->video_time_base_num_ = 1;
  writer->video_time_base_den_ = fps;

  if (writer->audio_ != nullptr) {
    const encoded_audio& aac = *writer->audio_;
    AVStream* audio_stream = avformat_new_stream(writer->format_, nullptr);
    if (audio_stream == nullptr)
      return make_error(errc::internal, "out of memory creating the MP4 audio stream");
    AVCodecParameters* par = audio_stream->codecpar;
    par->codec_type = AVMEDIA_TYPE_AUDIO;
    par->codec_id = AV_CODEC_ID_AAC;
    par->sample_rate = aac.sample_rate;
    av_channel_layout_default(&par->ch_layout, aac.channels);
    par->bit_rate = aac.bit_rate;
    par->frame_size = aac.frame_size;
    // The priming samples become an edit list, so audio starts at 0.
    par->initial_padding = aac.initial_padding;
    if (!aac.extradata.empty()) {
      par->extradata = static_cast<uint8_t*>(av_mallocz(aac.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
      if (par->extradata == nullptr)
        return make_error(errc::internal, "out of memory copying the AAC header");
      std::memcpy(par->extradata, aac.extradata.data(), aac.extradata.size());
      par->extradata_size = static_cast<int>(aac.extradata.size());
    }
    audio_stream->time_base = AVRational{1, aac.sample_rate};
    writer->audio_stream_ = audio_stream;
  }

  if (int rc = avio_open(&writer->format_->pb, path.c_str(), AVIO_FLAG_WRITE); rc < 0)
    return mux_failure("cannot open", path, rc);
  AVDictionary* options = nullptr;
  if (faststart)
    av_dict_set(&options, "movflags", "+faststart", 0);
  int rc = avformat_write_header(writer->format_, &options);
  av_dict_free(&options);
  if (rc < 0)
    return mux_failure("cannot write the header of", path, rc);
  return writer;
}

mp4_writer::~mp4_writer() {
  if (format_ != nullptr) {
    if (format_->pb != nullptr)
      avio_closep(&format_->pb);
    avformat_free_context(format_);
  }
  av_packet_free(&audio_packet_);
}

status mp4_writer::write_audio_until(double seconds) {
  if (audio_ == nullptr)
    return {};
  const auto& packets = audio_->packets;
  while (next_audio_packet_ < packets.size()) {
    const audio_packet& source = packets[next_audio_packet_];
    if (static_cast<double>(source.pts) / audio_->sample_rate > seconds)
      break;
    // The packet borrows the stored bytes; av_interleaved_write_frame makes
    // its own reference-counted copy of non-refcounted data.
    av_packet_unref(audio_packet_);
    audio_packet_->data = const_cast<uint8_t*>(source.data.data());
    audio_packet_->size = static_cast<int>(source.data.size());
    audio_packet_->pts = source.pts;
    audio_packet_->dts = source.pts;
    audio_packet_->duration = source.duration;
    audio_packet_->stream_index = audio_stream_->index;
    audio_packet_->flags = AV_PKT_FLAG_KEY;
    av_packet_rescale_ts(audio_packet_, AVRational{1, audio_->sample_rate}, audio_stream_->time_base);
    int rc = av_interleaved_write_frame(format_, audio_packet_);
    audio_packet_->data = nullptr;
    audio_packet_->size = 0;
    if (rc < 0)
      return mux_failure("cannot write audio to", path_, rc);
    ++next_audio_packet_;
  }
  return {};
}

status mp4_writer::write_video(AVPacket& packet) {
  AVRational encoder_base{video_time_base_num_, video_time_base_den_};
  double seconds = static_cast<double>(packet.dts) * encoder_base.num / encoder_base.den;
  if (auto written = write_audio_until(seconds); !written)
    return written;
  // st->time_base is only final after avformat_write_header.
  av_packet_rescale_ts(&packet, encoder_base, video_stream_->time_base);
  packet.stream_index = video_stream_->index;
  if (int rc = av_interleaved_write_frame(format_, &packet); rc < 0)
    return mux_failure("cannot write video to", path_, rc);
  return {};
}

status mp4_writer::finish() {
  if (finished_)
    return {};
  if (auto written = write_audio_until(1e300); !written)
    return written;
  if (int rc = av_write_trailer(format_); rc < 0)
    return mux_failure("cannot finish", path_, rc);
  finished_ = true;
  if (int rc = avio_closep(&format_->pb); rc < 0)
    return mux_failure("cannot close", path_, rc);
  return {};
}

} // namespace vs::media
