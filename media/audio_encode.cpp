#include "media/audio_encode.hpp"

#include "media/av_file_input.hpp"
#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/dict.h>
}

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <optional>
#include <vector>

namespace vs::media {

namespace {

constexpr int output_rate = 48000;
constexpr int output_channels = 2;

/// Damaged packets after which a file that has not yet produced a
/// single sample counts as corrupt. Once audio has decoded, damaged packets
/// are skipped however many there are, as the ffmpeg CLI does; a file of
/// garbage is refused after a few packets instead of being read to its end.
constexpr int max_errors_before_audio = 16;

error invalid(const std::string& message) { return make_error(errc::input_invalid, message); }

error cancelled(const std::string& path) {
  return make_error(errc::cancelled, "the job was cancelled while encoding audio file " + path);
}

/// "1.5", "10800": limits are configured in seconds and read back as written.
std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

/// The encoding half: a FIFO of 48 kHz stereo float samples cut into
/// 1024-sample AAC frames. Only the encoded packets are kept, never the PCM.
class aac_stream {
public:
  status open(int bit_rate) {
    // By name: avcodec_find_encoder(AV_CODEC_ID_AAC) could pick libfdk_aac in
    // another build, and its priming and quality differ.
    const AVCodec* codec = avcodec_find_encoder_by_name("aac");
    if (codec == nullptr)
      return make_error(errc::codec_error, "this FFmpeg build has no native AAC encoder");
    encoder_.reset(avcodec_alloc_context3(codec));
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!encoder_ || !packet_ || !frame_)
      return make_error(errc::internal, "out of memory opening the AAC encoder");
    encoder_->profile = FF_PROFILE_AAC_LOW;
    encoder_->sample_fmt = AV_SAMPLE_FMT_FLTP;
    encoder_->sample_rate = output_rate;
    av_channel_layout_default(&encoder_->ch_layout, output_channels);
    encoder_->bit_rate = bit_rate;
    encoder_->time_base = AVRational{1, output_rate};
    // MP4 carries the AudioSpecificConfig out of band (extradata), not in ADTS headers.
    encoder_->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
    if (int rc = avcodec_open2(encoder_.get(), codec, nullptr); rc < 0)
      return make_error(errc::codec_error, "cannot open the AAC encoder: " + av::error_string(rc));
    fifo_.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, output_channels, encoder_->frame_size));
    if (!fifo_)
      return make_error(errc::internal, "out of memory allocating the audio FIFO");
    silence_.assign(static_cast<size_t>(encoder_->frame_size), 0.0f);
    return {};
  }

  /// Appends planar stereo samples and encodes every complete frame.
  status push(uint8_t** planes, int samples) {
    if (samples <= 0)
      return {};
    if (av_audio_fifo_write(fifo_.get(), reinterpret_cast<void**>(planes), samples) < samples)
      return make_error(errc::internal, "out of memory buffering audio");
    return encode_full_frames();
  }

  /// Appends `samples` of silence, in frame-sized steps so the FIFO stays small.
  status push_silence(int64_t samples) {
    uint8_t* planes[output_channels] = {reinterpret_cast<uint8_t*>(silence_.data()),
                                        reinterpret_cast<uint8_t*>(silence_.data())};
    while (samples > 0) {
      int chunk = static_cast<int>(std::min<int64_t>(samples, static_cast<int64_t>(silence_.size())));
      if (auto pushed = push(planes, chunk); !pushed)
        return pushed;
      samples -= chunk;
    }
    return {};
  }

  /// Pads the last partial frame with silence, drains the encoder and moves
  /// the packets and the stream parameters into `out`.
  status finish(encoded_audio& out) {
    int partial = av_audio_fifo_size(fifo_.get()) % encoder_->frame_size;
    if (partial > 0) {
      if (auto padded = push_silence(encoder_->frame_size - partial); !padded)
        return padded;
    }
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
  status encode_full_frames() {
    const int frame_size = encoder_->frame_size;
    while (av_audio_fifo_size(fifo_.get()) >= frame_size) {
      // A fresh buffer per frame: the encoder may still hold a reference to the last one.
      av_frame_unref(frame_.get());
      frame_->nb_samples = frame_size;
      frame_->format = AV_SAMPLE_FMT_FLTP;
      frame_->sample_rate = output_rate;
      av_channel_layout_copy(&frame_->ch_layout, &encoder_->ch_layout);
      if (av_frame_get_buffer(frame_.get(), 0) < 0)
        return make_error(errc::internal, "out of memory for an audio frame");
      av_audio_fifo_read(fifo_.get(), reinterpret_cast<void**>(frame_->data), frame_size);
      frame_->pts = next_pts_;
      next_pts_ += frame_size;
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
      // FFmpeg 5.1's encoder delays by its priming (initial_padding = 1024):
      // the first packet has pts -1024 and the muxer turns that into an edit list.
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
  std::vector<float> silence_;
  int64_t next_pts_ = 0;
  std::vector<audio_packet> packets_;
};

/// What the resampler was built for; a stream may change it mid-way (MP3
/// files glued together, chained Ogg), and then the resampler is rebuilt.
struct pcm_format {
  int format = -1;
  int sample_rate = 0;
  AVChannelLayout layout{};

  bool matches(const AVFrame& frame) const {
    return frame.format == format && frame.sample_rate == sample_rate &&
           av_channel_layout_compare(&frame.ch_layout, &layout) == 0;
  }
};

/// The decoding half: any input → 48 kHz stereo float, counted and bounded.
class narration_reader {
public:
  narration_reader(const confined_file& file, const audio_options& options, std::optional<int64_t> sample_limit)
      : file_(file), path_(file.path()), options_(options), sample_limit_(sample_limit) {}

  ~narration_reader() { av_channel_layout_uninit(&input_format_.layout); }
  narration_reader(const narration_reader&) = delete;
  narration_reader& operator=(const narration_reader&) = delete;

  status open() {
    // Through the descriptor checked when the file was opened; libavformat
    // may open nothing else, so a playlist cannot pull in other files.
    auto opened = av_file_input::open(file_, "audio file");
    if (!opened)
      return opened.error();
    input_ = std::move(*opened);
    AVFormatContext* raw = input_->context();
    int rc = avformat_find_stream_info(raw, nullptr);
    if (rc < 0)
      return invalid("cannot read audio file " + path_ + ": " + av::error_string(rc));
    const AVCodec* codec = nullptr;
    stream_index_ = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream_index_ == AVERROR_DECODER_NOT_FOUND)
      return invalid("audio file " + path_ + " uses an unsupported codec");
    if (stream_index_ < 0 || codec == nullptr)
      return invalid("audio file " + path_ + " has no audio stream");
    AVStream* stream = raw->streams[stream_index_];
    decoder_.reset(avcodec_alloc_context3(codec));
    packet_.reset(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!decoder_ || !packet_ || !frame_)
      return make_error(errc::internal, "out of memory opening the audio decoder");
    if (rc = avcodec_parameters_to_context(decoder_.get(), stream->codecpar); rc < 0)
      return invalid("cannot decode audio file " + path_ + ": " + av::error_string(rc));
    decoder_->pkt_timebase = stream->time_base;
    if (rc = avcodec_open2(decoder_.get(), codec, nullptr); rc < 0)
      return invalid("cannot decode audio file " + path_ + ": " + av::error_string(rc));
    return {};
  }

  /// Decodes the whole stream (or up to the fixed length) into `sink`.
  status run(aac_stream& sink) {
    while (!done_) {
      if (options_.cancel != nullptr && options_.cancel->load(std::memory_order_relaxed))
        return cancelled(path_);
      int rc = av_read_frame(input_->context(), packet_.get());
      if (rc < 0) {
        // A read error other than EOF is a damaged or truncated tail: like the
        // ffmpeg CLI, the stream ends there and what decoded so far counts.
        if (rc != AVERROR_EOF)
          last_error_ = rc;
        break;
      }
      status decoded;
      if (packet_->stream_index == stream_index_) {
        rc = avcodec_send_packet(decoder_.get(), packet_.get());
        decoded = rc < 0 ? damaged(rc) : receive(sink);
      }
      av_packet_unref(packet_.get());
      if (!decoded)
        return decoded;
    }
    if (!done_) {
      avcodec_send_packet(decoder_.get(), nullptr);
      if (auto received = receive(sink); !received)
        return received;
      if (auto flushed = flush_resampler(sink); !flushed)
        return flushed;
    }
    if (samples_ == 0 && last_error_ < 0)
      return invalid("cannot decode audio file " + path_ + ": " + av::error_string(last_error_));
    if (samples_ == 0)
      return invalid("audio file " + path_ + " contains no audio samples");
    if (sample_limit_ && *sample_limit_ > samples_) {
      if (auto padded = sink.push_silence(*sample_limit_ - samples_); !padded)
        return padded;
      samples_ = *sample_limit_;
    }
    return {};
  }

  int64_t samples() const { return samples_; }

private:
  /// Skips a damaged packet; fails on a run of them before any audio.
  status damaged(int rc) {
    last_error_ = rc;
    if (samples_ == 0 && ++errors_before_audio_ > max_errors_before_audio)
      return invalid("cannot decode audio file " + path_ + ": " + av::error_string(rc));
    return {};
  }

  status receive(aac_stream& sink) {
    for (;;) {
      int rc = avcodec_receive_frame(decoder_.get(), frame_.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
        return {};
      if (rc < 0)
        return damaged(rc);
      auto resampled = resample(*frame_, sink);
      av_frame_unref(frame_.get());
      if (!resampled || done_)
        return resampled;
    }
  }

  status ensure_resampler(const AVFrame& frame, aac_stream& sink) {
    if (resampler_ && input_format_.matches(frame))
      return {};
    if (auto flushed = flush_resampler(sink); !flushed || done_)
      return flushed;
    input_format_.format = frame.format;
    input_format_.sample_rate = frame.sample_rate;
    av_channel_layout_uninit(&input_format_.layout);
    av_channel_layout_copy(&input_format_.layout, &frame.ch_layout);
    // Some WAV and raw inputs say only how many channels they have; the
    // resampler needs to know which ones to mix into stereo.
    AVChannelLayout in_layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
      av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
    else
      av_channel_layout_copy(&in_layout, &frame.ch_layout);
    AVChannelLayout out_layout{};
    av_channel_layout_default(&out_layout, output_channels);
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLTP, output_rate, &in_layout,
                                 static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    resampler_.reset(raw);
    if (rc >= 0)
      rc = swr_init(raw);
    if (rc < 0) {
      resampler_.reset();
      return invalid("cannot convert the audio of " + path_ + " (" + std::to_string(frame.sample_rate) + " Hz, " +
                     std::to_string(frame.ch_layout.nb_channels) + " channels): " + av::error_string(rc));
    }
    return {};
  }

  status resample(const AVFrame& frame, aac_stream& sink) {
    if (auto ready = ensure_resampler(frame, sink); !ready || done_)
      return ready;
    auto converted = convert(const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples, sink);
    if (!converted)
      return converted.error();
    return {};
  }

  /// Empties the resampler's delay line (its filter holds a few samples back).
  status flush_resampler(aac_stream& sink) {
    while (resampler_ && !done_) {
      auto produced = convert(nullptr, 0, sink);
      if (!produced)
        return produced.error();
      if (*produced == 0)
        break;
    }
    resampler_.reset();
    return {};
  }

  /// Converts `count` input samples (none: flush) and passes them on; returns how many came out.
  expected<int> convert(const uint8_t** planes, int count, aac_stream& sink) {
    int capacity = swr_get_out_samples(resampler_.get(), count);
    if (capacity <= 0)
      return 0;
    for (auto& plane : buffer_)
      plane.resize(static_cast<size_t>(capacity));
    uint8_t* out[output_channels] = {reinterpret_cast<uint8_t*>(buffer_[0].data()),
                                     reinterpret_cast<uint8_t*>(buffer_[1].data())};
    int produced = swr_convert(resampler_.get(), out, capacity, planes, count);
    if (produced < 0)
      return invalid("cannot resample the audio of " + path_ + ": " + av::error_string(produced));
    if (sample_limit_ && samples_ + produced >= *sample_limit_) {
      // Trimmed to the fixed length: the rest of the file is not needed.
      produced = static_cast<int>(*sample_limit_ - samples_);
      done_ = true;
    }
    samples_ += produced;
    // Checked as samples arrive, so a ten-hour file stops after the limit, not at its end.
    if (static_cast<double>(samples_) / output_rate > options_.max_seconds)
      return make_error(errc::input_too_large, "audio file " + path_ + " is longer than the limit of " +
                                                   format_seconds(options_.max_seconds) + " seconds");
    if (auto pushed = sink.push(out, produced); !pushed)
      return pushed.error();
    return produced;
  }

  const confined_file& file_;
  std::string path_;
  const audio_options& options_;
  std::optional<int64_t> sample_limit_;
  std::unique_ptr<av_file_input> input_;
  av::codec_context_ptr decoder_;
  av::packet_ptr packet_;
  av::frame_ptr frame_;
  av::swr_ptr resampler_;
  pcm_format input_format_;
  int stream_index_ = -1;
  std::vector<float> buffer_[output_channels];
  int64_t samples_ = 0;
  int last_error_ = 0;           ///< the last decode or read error, reported if nothing decodes
  int errors_before_audio_ = 0;  ///< damaged packets before the first sample
  bool done_ = false;
};

} // namespace

expected<encoded_audio> encode_audio_file(const std::string& path, const audio_options& options,
                                          const root_folders& roots) {
  auto file = confined_file::open(path, roots, "audio file", options.max_file_bytes);
  if (!file)
    return file.error();
  std::optional<int64_t> sample_limit;
  if (options.fixed_seconds) {
    double samples = *options.fixed_seconds * output_rate;
    if (!std::isfinite(samples) || std::llround(samples) <= 0)
      return make_error(errc::invalid_argument,
                        "the fixed audio length must be positive, not " + format_seconds(*options.fixed_seconds));
    sample_limit = std::llround(samples);
  }
  if (options.cancel != nullptr && options.cancel->load())
    return cancelled(path);

  aac_stream aac;
  if (auto opened = aac.open(options.bit_rate); !opened)
    return opened.error();
  narration_reader reader(*file, options, sample_limit);
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
