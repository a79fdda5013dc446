// The narration decoded once more, for voice activity only: mono 16 kHz
// floats reduced to one level per 10 ms as they arrive, so a three-hour
// narration costs a megabyte of levels, never its samples.

#include "media/captions/voice_activity.hpp"

#include "media/av_file_input.hpp"
#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <cmath>

namespace vs::media::captions {

namespace {

constexpr int analysis_rate = 16000;
constexpr int window_samples = analysis_rate / 100;
/// A file that fails this many packets before any audio is not audio.
constexpr int max_errors_before_audio = 16;

error unreadable(const std::string& path, int code) {
  return make_error(errc::input_invalid, "cannot decode audio file " + path + ": " + av::error_string(code));
}

class level_meter {
public:
  explicit level_meter(narration_levels& out) : out_(out) {}

  void add(const float* samples, int count) {
    for (int i = 0; i < count; ++i) {
      energy_ += static_cast<double>(samples[i]) * samples[i];
      if (++filled_ == window_samples)
        close_window();
    }
  }

  void finish() {
    if (filled_ > 0)
      close_window();
  }

  int64_t windows() const { return static_cast<int64_t>(out_.level_db.size()); }

private:
  void close_window() {
    double mean = energy_ / filled_;
    out_.level_db.push_back(static_cast<float>(10.0 * std::log10(mean + 1e-12)));
    energy_ = 0;
    filled_ = 0;
  }

  narration_levels& out_;
  double energy_ = 0;
  int filled_ = 0;
};

class level_reader {
public:
  level_reader(const confined_file& file, const narration_read_limits& limits) : file_(file), limits_(limits) {}

  expected<narration_levels> run() {
    auto input = av_file_input::open(file_, "audio file");
    if (!input)
      return input.error();
    AVFormatContext* format = (*input)->context();
    if (int rc = avformat_find_stream_info(format, nullptr); rc < 0)
      return unreadable(file_.path(), rc);
    const AVCodec* codec = nullptr;
    int stream = av_find_best_stream(format, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
    if (stream < 0 || codec == nullptr)
      return make_error(errc::input_invalid, "audio file " + file_.path() + " has no audio stream it can decode");
    decoder_.reset(avcodec_alloc_context3(codec));
    av::packet_ptr packet(av_packet_alloc());
    frame_.reset(av_frame_alloc());
    if (!decoder_ || !packet || !frame_)
      return make_error(errc::internal, "out of memory opening the audio decoder");
    if (int rc = avcodec_parameters_to_context(decoder_.get(), format->streams[stream]->codecpar); rc < 0)
      return unreadable(file_.path(), rc);
    decoder_->pkt_timebase = format->streams[stream]->time_base;
    if (int rc = avcodec_open2(decoder_.get(), codec, nullptr); rc < 0)
      return unreadable(file_.path(), rc);

    narration_levels levels;
    level_meter meter(levels);
    meter_ = &meter;
    int errors = 0;
    while (av_read_frame(format, packet.get()) >= 0) {
      if (limits_.cancel != nullptr && limits_.cancel->load(std::memory_order_relaxed))
        return make_error(errc::cancelled, "the job was cancelled while reading audio file " + file_.path());
      status received;
      if (packet->stream_index == stream) {
        int rc = avcodec_send_packet(decoder_.get(), packet.get());
        if (rc < 0 && meter.windows() == 0 && ++errors > max_errors_before_audio)
          received = unreadable(file_.path(), rc);
        else if (rc >= 0)
          received = receive();
      }
      av_packet_unref(packet.get());
      if (!received)
        return received.error();
    }
    avcodec_send_packet(decoder_.get(), nullptr);
    if (auto drained = receive(); !drained)
      return drained.error();
    if (resampler_)
      if (auto flushed = convert(nullptr, 0); !flushed)
        return flushed.error();
    meter.finish();
    if (levels.level_db.empty())
      return make_error(errc::input_invalid, "audio file " + file_.path() + " contains no audio samples");
    return levels;
  }

private:
  status receive() {
    while (avcodec_receive_frame(decoder_.get(), frame_.get()) >= 0) {
      status converted = ensure_resampler(*frame_);
      if (converted)
        converted = convert(const_cast<const uint8_t**>(frame_->extended_data), frame_->nb_samples);
      av_frame_unref(frame_.get());
      if (!converted)
        return converted;
      if (static_cast<double>(meter_->windows()) * 0.01 > limits_.max_seconds)
        return make_error(errc::input_too_large, "audio file " + file_.path() + " is longer than the limit");
    }
    return {};
  }

  status ensure_resampler(const AVFrame& frame) {
    if (resampler_ && frame.format == format_ && frame.sample_rate == rate_ &&
        frame.ch_layout.nb_channels == channels_)
      return {};
    if (resampler_)
      if (auto flushed = convert(nullptr, 0); !flushed)
        return flushed;
    AVChannelLayout in_layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
      av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
    else
      av_channel_layout_copy(&in_layout, &frame.ch_layout);
    AVChannelLayout mono{};
    av_channel_layout_default(&mono, 1);
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &mono, AV_SAMPLE_FMT_FLT, analysis_rate, &in_layout,
                                 static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    resampler_.reset(raw);
    if (rc >= 0)
      rc = swr_init(raw);
    if (rc < 0) {
      resampler_.reset();
      return unreadable(file_.path(), rc);
    }
    format_ = frame.format;
    rate_ = frame.sample_rate;
    channels_ = frame.ch_layout.nb_channels;
    return {};
  }

  status convert(const uint8_t** planes, int count) {
    for (;;) {
      int capacity = swr_get_out_samples(resampler_.get(), count);
      if (capacity <= 0)
        return {};
      buffer_.resize(static_cast<size_t>(capacity));
      uint8_t* out[1] = {reinterpret_cast<uint8_t*>(buffer_.data())};
      int produced = swr_convert(resampler_.get(), out, capacity, planes, count);
      if (produced < 0)
        return unreadable(file_.path(), produced);
      meter_->add(buffer_.data(), produced);
      // Input is consumed in one call; a flush (no input) repeats until empty.
      if (planes != nullptr || produced == 0)
        return {};
    }
  }

  const confined_file& file_;
  const narration_read_limits& limits_;
  av::codec_context_ptr decoder_;
  av::frame_ptr frame_;
  av::swr_ptr resampler_;
  level_meter* meter_ = nullptr;
  int format_ = -1;
  int rate_ = 0;
  int channels_ = 0;
  std::vector<float> buffer_;
};

} // namespace

expected<narration_levels> measure_narration(const std::string& path, const root_folders& roots,
                                             const narration_read_limits& limits) {
  auto file = confined_file::open(path, roots, "audio file", limits.max_file_bytes);
  if (!file)
    return file.error();
  return level_reader(*file, limits).run();
}

} // namespace vs::media::captions
