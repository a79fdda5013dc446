#include "media/audio_encode.hpp"

#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/opt.h>
}

#include <cmath>
#include <filesystem>

namespace vs::media {

namespace {

constexpr int output_rate = 48000;
constexpr int output_channels = 2;

error invalid(const std::string& message) { return make_error(errc::input_invalid, message); }

/// The encoding half: a FIFO of 48 kHz stereo float samples cut into AAC frames.
class aac_stream {
public:
  status open(int bit_rate) {
    const AVCodec* codec = avcodec_find_encoder(AV_CODEC_ID_AAC);
    if (codec == nullptr)
      return make_error(errc::codec_error, "this FFmpeg build has no AAC encoder");
    encoder_.reset(avcodec_alloc_context3(codec));
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!encoder_ || !packet_ || !frame_)
      return make_error(errc::internal, "out of memory opening the AAC encoder");
    encoder_->sample_fmt = AV_SAMPLE_FMT_FLTP;
    encoder_->sample_rate = output_rate;
    av_channel_layout_default(&encoder_->ch_layout, output_channels);
    encoder_->bit_rate = bit_rate;
    encoder_->time_base = AVRational{1, output_rate};
    // MP4 carries the AudioSpecificConfig out of band.
    encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int rc = avcodec_open2(encoder_.get(), codec, nullptr); rc < 0)
      return make_error(errc::codec_error, "cannot open the AAC encoder: " + av::error_string(rc));
    fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, output_channels, encoder_->frame_size));
    if (!fifo_)
      return make_error(errc::internal, "out of memory allocating the audio FIFO");
    return {};
  }

  /// Appends planar samples and encodes every complete frame.
  status push(uint8_t** planes, int samples) {
    if (samples <= 0)
      return {};
    if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(planes), samples) < samples)
      return make_error(errc::internal, "out of memory buffering audio");
    return encode_while(encoder_->frame_size);
  }

  /// Appends `samples` of silence.
  status push_silence(int64_t samples) {
    std::vector<float> zeros(4096, 0.0f);
    uint8_t* planes[2] = {reinterpret_cast<uint8_t*>(zeros.data()), reinterpret_cast<uint8_t*>(zeros.data())};
    while (samples > 0) {
      int chunk = static_cast<int>(std::min<int64_t>(samples, static_cast<int64_t>(zeros.size())));
      if (auto pushed = push(planes, chunk); !pushed)
        return pushed;
      samples -= chunk;
    }
    return {};
  }

  /// Encodes what is left (a short last frame) and drains the encoder.
  status finish(encoded_audio& out) {
    if (auto encoded = encode_while(1); !encoded)
      return encoded;
    if (int rc = avcodec_send_frame(encoder_.get(), nullptr); rc < 0)
      return make_error(errc::codec_error, "cannot flush the AAC encoder: " + av::error_string(rc));
    if (auto drained = drain(); !drained)
      return drained;
    out.sample_rate = output_rate;
    out.channels = output_channels;
    out.bit_rate = encoder_->bit_rate;
    out.frame_size = encoder_->frame_size;
    out.initial_padding = encoder_->initial_padding;
    out.extradata.assign(encoder_->extradata, encoder_->extradata + encoder_->extradata_size);
    out.packets = std::move(packets_);
    return {};
  }

private:
  status encode_while(int minimum) {
    while (av_audio_fifo_size(fifo_.get()) >= minimum) {
      int samples = std::min(av_audio_fifo_size(fifo_.get()), encoder_->frame_size);
      av_frame_unref(frame_.get());
      frame_->nb_samples = samples;
      frame_->format = AV_SAMPLE_FMT_FLTP;
      frame_->sample_rate = output_rate;
      av_channel_layout_copy(&frame_->ch_layout, &encoder_->ch_layout);
      if (int rc = av_frame_get_buffer(frame_.get(), 0); rc < 0)
        return make_error(errc::internal, "out of memory for an audio frame");
      av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame_->data), samples);
      frame_->pts = next_pts_;
      next_pts_ += samples;
      if (int rc = avcodec_send_frame(encoder_.get(), frame_.get()); rc < 0)
        return make_error(errc::codec_error, "the AAC encoder failed: " + av::error_string(rc));
      if (auto drained = drain(); !drained)
        return drained;
    }
    return {};
  }

  status drain() {
    for (;;) {
      int rc = avcodec_receive_packet(encoder_.get(), packet_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
        return {};
      if (rc < 0)
        return make_error(errc::codec_error, "the AAC encoder failed: " + av::error_string(rc));
      audio_packet packet;
      packet.pts = packet_->pts;
      packet.duration = packet_->duration;
      packet.data.assign(packet_->data, packet_->data + packet_->size);
      packets_.push_back(std::move(packet));
      av_packet_unref(packet_.get());
    }
  }

  av::codec_context_ptr encoder_;
  av::packet_ptr packet_;
  av::frame_ptr frame_;
  av::audio_fifo_ptr fifo_;
  int64_t next_pts_ = 0;
  std::vector<audio_packet> packets_;
};

/// The decoding half: any input → 48 kHz stereo float, counted and bounded.
class narration_reader {
public:
  narration_reader(std::string path, const audio_options& options) : path_(std::move(path)), options_(options) {
    if (options_.fixed_seconds)
      sample_limit_ = static_cast<int64_t>(std::llround(*options_.fixed_seconds * output_rate));
  }

  status open() {
    AVFormatContext* raw = nullptr;
    if (int rc = avformat_open_input(&raw, path_.c_str(), nullptr, nullptr); rc < 0)
      return invalid("cannot read audio file " + path_ + ": " + av::error_string(rc));
    input_.reset(raw);
    if (int rc = avformat_find_stream_info(raw, nullptr); rc < 0)
      return invalid("cannot read audio file " + path_ + ": " + av::error_string(rc));
    const AVCodec* codec = nullptr;
    stream_index_ = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_index_ < 0 || codec == nullptr)
      return invalid("audio file " + path_ + " has no audio stream");
    AVStream* stream = raw->streams[stream_index_];
    decoder_.reset(avcodec_alloc_context3(codec));
    if (!decoder_)
      return make_error(errc::internal, "out of memory opening the audio decoder");
    avcodec_parameters_to_context(decoder_.get(), stream->codecpar);
    decoder_->pkt_timebase = stream->time_base;
    if (int rc = avcodec_open2(decoder_.get(), codec, nullptr); rc < 0)
      return invalid("cannot decode audio file " + path_ + ": " + av::error_string(rc));
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!packet_ || !frame_)
      return make_error(errc::internal, "out of memory reading audio");
    return {};
  }

  /// Decodes everything into `sink`, then pads or trims to the fixed length.
  status run(aac_stream& sink) {
    while (!done_) {
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed))
        return make_error(errc::cancelled, "the job was cancelled");
      int rc = av_read_frame(input_.get(), packet_.get());
      if (rc == AVERROR_EOF)
        break;
      if (rc < 0) {
        // A damaged tail ends the stream; what decoded so far counts.
        ++errors_;
        break;
      }
      if (packet_->stream_index == stream_index_) {
        if (avcodec_send_packet(decoder_.get(), packet_.get()) < 0)
          ++errors_;  // a damaged packet is skipped, as the ffmpeg CLI does
        else if (auto received = receive(sink); !received)
          return received;
      }
      av_packet_unref(packet_.get());
    }
    if (!done_) {
      avcodec_send_packet(decoder_.get(), nullptr);
      if (auto received = receive(sink); !received)
        return received;
      if (auto flushed = resample(nullptr, 0, sink); !flushed)
        return flushed;
    }
    if (samples_ == 0)
      return invalid(errors_ > 0 ? "cannot decode audio file " + path_ + ": no valid audio data"
                                 : "audio file " + path_ + " contains no audio samples");
    if (sample_limit_ > samples_) {
      if (auto padded = sink.push_silence(sample_limit_ - samples_); !padded)
        return padded;
      samples_ = sample_limit_;
    }
    return {};
  }

  int64_t samples() const { return samples_; }

private:
  status receive(aac_stream& sink) {
    for (;;) {
      int rc = avcodec_receive_frame(decoder_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
        return {};
      if (rc < 0) {
        ++errors_;
        return {};
      }
      auto resampled = resample(const_cast<const uint8_t**>(frame_->extended_data), frame_->nb_samples, sink);
      av_frame_unref(frame_.get());
      if (!resampled)
        return resampled;
      if (done_)
        return {};
    }
  }

  status ensure_resampler() {
    if (resampler_)
      return {};
    AVChannelLayout in_layout{};
    if (frame_->ch_layout.order == AV_CHANNEL_ORDER_UNSPEC || frame_->ch_layout.nb_channels == 0)
      av_channel_layout_default(&in_layout, std::max(1, frame_->ch_layout.nb_channels));
    else
      av_channel_layout_copy(&in_layout, &frame_->ch_layout);
    AVChannelLayout out_layout{};
    av_channel_layout_default(&out_layout, output_channels);
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLTP, output_rate, &in_layout,
                                 static_cast<AVSampleFormat>(frame_->format), frame_->sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    resampler_.reset(raw);
    if (rc < 0 || swr_init(raw) < 0)
      return invalid("cannot convert the audio of " + path_ + " (" + std::to_string(frame_->sample_rate) + " Hz, " +
                     std::to_string(frame_->ch_layout.nb_channels) + " channels)");
    return {};
  }

  status resample(const uint8_t** planes, int count, aac_stream& sink) {
    if (planes != nullptr) {
      if (auto ready = ensure_resampler(); !ready)
        return ready;
    } else if (!resampler_) {
      return {};
    }
    int capacity = swr_get_out_samples(resampler_.get(), count);
    if (capacity <= 0)
      return {};
    for (auto& plane : buffer_)
      plane.resize(static_cast<size_t>(capacity));
    uint8_t* out[2] = {reinterpret_cast<uint8_t*>(buffer_[0].data()), reinterpret_cast<uint8_t*>(buffer_[1].data())};
    int produced = swr_convert(resampler_.get(), out, capacity, planes, count);
    if (produced < 0)
      return invalid("cannot resample the audio of " + path_ + ": " + av::error_string(produced));
    if (sample_limit_ > 0 && samples_ + produced >= sample_limit_) {
      // Trimmed to the fixed length: the rest of the file is not needed.
      produced = static_cast<int>(sample_limit_ - samples_);
      done_ = true;
    }
    samples_ += produced;
    if (static_cast<double>(samples_) / output_rate > options_.max_seconds)
      return make_error(errc::input_too_large, "audio file " + path_ + " is longer than the limit of " +
                                                   std::to_string(static_cast<int64_t>(options_.max_seconds)) +
                                                   " seconds");
    return sink.push(out, produced);
  }

  std::string path_;
  const audio_options& options_;
  av::format_input_ptr input_;
  av::codec_context_ptr decoder_;
  av::packet_ptr packet_;
  av::frame_ptr frame_;
  av::swr_ptr resampler_;
  int stream_index_ = -1;
  std::vector<float> buffer_[2];
  int64_t samples_ = 0;
  int64_t sample_limit_ = 0;  ///< 0: no fixed length
  int errors_ = 0;
  bool done_ = false;
};

} // namespace

expected<encoded_audio> encode_audio_file(const std::string& path, const audio_options& options) {
  namespace fs = std::filesystem;
  std::error_code ec;
  auto file_status = fs::status(path, ec);
  if (ec || !fs::exists(file_status))
    return make_error(errc::input_missing, "audio file " + path + " does not exist");
  if (!fs::is_regular_file(file_status))
    return invalid("audio file " + path + " is not a regular file");
  auto size = fs::file_size(path, ec);
  if (ec || size == 0)
    return invalid("audio file " + path + " is empty");
  if (static_cast<int64_t>(size) > options.max_file_bytes)
    return make_error(errc::input_too_large, "audio file " + path + " is " + std::to_string(size) +
                                                 " bytes, over the limit of " + std::to_string(options.max_file_bytes));
  if (options.cancel != nullptr && options.cancel->load())
    return make_error(errc::cancelled, "the job was cancelled");

  aac_stream aac;
  if (auto opened = aac.open(options.bit_rate); !opened)
    return opened.error();
  narration_reader reader(path, options);
  if (auto opened = reader.open(); !opened)
    return opened.error();
  if (auto decoded = reader.run(aac); !decoded)
    return decoded.error();
  encoded_audio result;
  if (auto finished = aac.finish(result); !finished)
    return finished.error();
  result.sample_count = reader.samples();
  return result;
}

} // namespace vs::media
