#include "media/audio_pcm.hpp"

#include "media/av_file_input.hpp"
#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
#include <libavutil/intreadwrite.h>
}

#include <algorithm>
#include <cstring>
#include <vector>

namespace vs::media {

namespace {

/// Damaged packets after which a file that has not yet produced a
/// single sample counts as corrupt. Once audio has decoded, damaged packets
/// are skipped however many there are, as the ffmpeg CLI does; a file of
/// garbage is refused after a few packets instead of being read to its end.
constexpr int max_errors_before_audio = 16;

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

} // namespace

struct pcm_reader::state {
  std::unique_ptr<av_file_input> input;
  av::codec_context_ptr decoder;
  av::packet_ptr packet;
  av::frame_ptr frame;
  av::swr_ptr resampler;
  av::audio_fifo_ptr fifo;
  pcm_format input_format;
  int stream_index = -1;
  bool first_packet = true;
  bool from_mp3_demuxer = false;  ///< an MP3 file: its delay is trimmed even without a LAME tag
  std::vector<float> buffer[pcm_channels];
  int64_t samples_decoded = 0;
  int last_error = 0;           ///< the last decode or read error, reported if nothing decodes
  int errors_before_audio = 0;  ///< damaged packets before the first sample
  bool end_of_stream = false;

  ~state() { av_channel_layout_uninit(&input_format.layout); }
};

pcm_reader::pcm_reader(const confined_file& file, std::string what, const std::atomic<bool>* cancel)
    : state_(std::make_unique<state>()), file_(file), what_(std::move(what)), cancel_(cancel) {}

pcm_reader::~pcm_reader() = default;

error pcm_reader::invalid(const std::string& message) const { return make_error(errc::input_invalid, message); }

expected<std::unique_ptr<pcm_reader>> pcm_reader::open(const confined_file& file, const std::string& what,
                                                       const std::atomic<bool>* cancel) {
  std::unique_ptr<pcm_reader> reader(new pcm_reader(file, what, cancel));
  if (auto opened = reader->open_stream(); !opened)
    return opened.error();
  return reader;
}

status pcm_reader::open_stream() {
  state& st = *state_;
  const std::string& path = file_.path();
  // Through the descriptor checked when the file was opened; libavformat
  // may open nothing else, so a playlist cannot pull in other files.
  auto opened = av_file_input::open(file_, what_);
  if (!opened)
    return opened.error();
  st.input = std::move(*opened);
  AVFormatContext* raw = st.input->context();
  int rc = avformat_find_stream_info(raw, nullptr);
  if (rc < 0)
    return invalid("cannot read " + what_ + " " + path + ": " + av::error_string(rc));
  const AVCodec* codec = nullptr;
  st.stream_index = av_find_best_stream(raw, AVMEDIA_TYPE_AUDIO, -1, -1, &codec, 0);
  if (st.stream_index == AVERROR_DECODER_NOT_FOUND)
    return invalid(what_ + " " + path + " uses an unsupported codec");
  if (st.stream_index < 0 || codec == nullptr)
    return invalid(what_ + " " + path + " has no audio stream");
  AVStream* stream = raw->streams[st.stream_index];
  st.decoder.reset(avcodec_alloc_context3(codec));
  st.packet.reset(av_packet_alloc());
  st.frame.reset(av_frame_alloc());
  st.fifo.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, pcm_channels, 4096));
  if (!st.decoder || !st.packet || !st.frame || !st.fifo)
    return make_error(errc::internal, "out of memory opening the audio decoder");
  if (rc = avcodec_parameters_to_context(st.decoder.get(), stream->codecpar); rc < 0)
    return invalid("cannot decode " + what_ + " " + path + ": " + av::error_string(rc));
  st.decoder->pkt_timebase = stream->time_base;
  if (rc = avcodec_open2(st.decoder.get(), codec, nullptr); rc < 0)
    return invalid("cannot decode " + what_ + " " + path + ": " + av::error_string(rc));
  st.from_mp3_demuxer = std::strcmp(raw->iformat->name, "mp3") == 0 && stream->codecpar->codec_id == AV_CODEC_ID_MP3;
  return {};
}

expected<int> pcm_reader::read(float* const* planes, int count) {
  state& st = *state_;
  while (!st.end_of_stream && av_audio_fifo_size(st.fifo.get()) < count) {
    if (cancel_ != nullptr && cancel_->load(std::memory_order_relaxed))
      return make_error(errc::cancelled, "the job was cancelled while decoding " + what_ + " " + file_.path());
    if (auto decoded = decode_more(); !decoded)
      return decoded.error();
  }
  if (st.end_of_stream && st.samples_decoded == 0) {
    if (st.last_error < 0)
      return invalid("cannot decode " + what_ + " " + file_.path() + ": " + av::error_string(st.last_error));
    return invalid(what_ + " " + file_.path() + " contains no audio samples");
  }
  int available = std::min(count, av_audio_fifo_size(st.fifo.get()));
  if (available <= 0)
    return 0;
  av_audio_fifo_read(st.fifo.get(), reinterpret_cast<void**>(const_cast<float**>(planes)), available);
  samples_read_ += available;
  return available;
}

status pcm_reader::decode_more() {
  state& st = *state_;
  int rc = av_read_frame(st.input->context(), st.packet.get());
  if (rc < 0) {
    // A read error other than EOF is a damaged or truncated tail: like the
    // ffmpeg CLI, the stream ends there and what decoded so far counts.
    if (rc != AVERROR_EOF)
      st.last_error = rc;
    st.end_of_stream = true;
    avcodec_send_packet(st.decoder.get(), nullptr);
    if (auto received = receive(); !received)
      return received;
    return flush_resampler();
  }
  status sent;
  if (st.packet->stream_index == st.stream_index)
    sent = send(st.packet.get());
  av_packet_unref(st.packet.get());
  return sent;
}

status pcm_reader::send(AVPacket* packet) {
  state& st = *state_;
  if (st.first_packet) {
    st.first_packet = false;
    // FFmpeg's mp3 demuxer marks the first packet with the delay from the
    // LAME tag; without a tag nothing is marked and the decoder would hand
    // out the encoder's and its own delay as if they were audio (46 ms at
    // 24 kHz). The decoder honours the same side data the demuxer would set.
    if (st.from_mp3_demuxer && av_packet_get_side_data(packet, AV_PKT_DATA_SKIP_SAMPLES, nullptr) == nullptr) {
      uint8_t* skip = av_packet_new_side_data(packet, AV_PKT_DATA_SKIP_SAMPLES, 10);
      if (skip == nullptr)
        return make_error(errc::internal, "out of memory decoding " + what_ + " " + file_.path());
      AV_WL32(skip, untagged_mp3_delay);
    }
  }
  int rc = avcodec_send_packet(st.decoder.get(), packet);
  return rc < 0 ? damaged(rc) : receive();
}

/// Skips a damaged packet; fails on a run of them before any audio.
status pcm_reader::damaged(int rc) {
  state& st = *state_;
  st.last_error = rc;
  if (st.samples_decoded == 0 && ++st.errors_before_audio > max_errors_before_audio)
    return invalid("cannot decode " + what_ + " " + file_.path() + ": " + av::error_string(rc));
  return {};
}

status pcm_reader::receive() {
  state& st = *state_;
  for (;;) {
    int rc = avcodec_receive_frame(st.decoder.get(), st.frame.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
      return {};
    if (rc < 0)
      return damaged(rc);
    auto resampled = resample(*st.frame);
    av_frame_unref(st.frame.get());
    if (!resampled)
      return resampled;
  }
}

status pcm_reader::resample(const AVFrame& frame) {
  state& st = *state_;
  if (!st.resampler || !st.input_format.matches(frame)) {
    if (auto flushed = flush_resampler(); !flushed)
      return flushed;
    st.input_format.format = frame.format;
    st.input_format.sample_rate = frame.sample_rate;
    av_channel_layout_uninit(&st.input_format.layout);
    av_channel_layout_copy(&st.input_format.layout, &frame.ch_layout);
    // Some WAV and raw inputs say only how many channels they have; the
    // resampler needs to know which ones to mix into stereo.
    AVChannelLayout in_layout{};
    if (frame.ch_layout.order == AV_CHANNEL_ORDER_UNSPEC)
      av_channel_layout_default(&in_layout, frame.ch_layout.nb_channels);
    else
      av_channel_layout_copy(&in_layout, &frame.ch_layout);
    AVChannelLayout out_layout{};
    av_channel_layout_default(&out_layout, pcm_channels);
    SwrContext* raw = nullptr;
    int rc = swr_alloc_set_opts2(&raw, &out_layout, AV_SAMPLE_FMT_FLTP, pcm_rate, &in_layout,
                                 static_cast<AVSampleFormat>(frame.format), frame.sample_rate, 0, nullptr);
    av_channel_layout_uninit(&in_layout);
    av_channel_layout_uninit(&out_layout);
    st.resampler.reset(raw);
    if (rc >= 0)
      rc = swr_init(raw);
    if (rc < 0) {
      st.resampler.reset();
      return invalid("cannot convert the audio of " + file_.path() + " (" + std::to_string(frame.sample_rate) +
                     " Hz, " + std::to_string(frame.ch_layout.nb_channels) + " channels): " + av::error_string(rc));
    }
  }
  bool produced = false;
  return convert(const_cast<const uint8_t**>(frame.extended_data), frame.nb_samples, produced);
}

/// Empties the resampler's delay line (its filter holds a few samples back).
status pcm_reader::flush_resampler() {
  state& st = *state_;
  while (st.resampler) {
    bool produced = false;
    if (auto converted = convert(nullptr, 0, produced); !converted)
      return converted;
    if (!produced)
      break;
  }
  st.resampler.reset();
  return {};
}

/// Converts `count` input samples (none: flush) into the FIFO.
status pcm_reader::convert(const uint8_t** input, int count, bool& produced_any) {
  state& st = *state_;
  int capacity = swr_get_out_samples(st.resampler.get(), count);
  if (capacity <= 0)
    return {};
  for (auto& plane : st.buffer)
    plane.resize(static_cast<size_t>(capacity));
  uint8_t* out[pcm_channels] = {reinterpret_cast<uint8_t*>(st.buffer[0].data()),
                                reinterpret_cast<uint8_t*>(st.buffer[1].data())};
  int produced = swr_convert(st.resampler.get(), out, capacity, input, count);
  if (produced < 0)
    return invalid("cannot resample the audio of " + file_.path() + ": " + av::error_string(produced));
  if (produced == 0)
    return {};
  produced_any = true;
  if (av_audio_fifo_write(st.fifo.get(), reinterpret_cast<void**>(out), produced) < produced)
    return make_error(errc::internal, "out of memory buffering audio");
  st.samples_decoded += produced;
  return {};
}

} // namespace vs::media
