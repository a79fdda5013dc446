#include "media/audio_aac.hpp"

#include "media/audio_pcm.hpp"
#include "media/av_util.hpp"

extern "C" {
#include <libavutil/channel_layout.h>
}

#include <algorithm>
#include <cstring>
#include <vector>

namespace vs::media {

struct aac_encoder::state {
  av::codec_context_ptr encoder;
  av::packet_ptr packet;
  av::frame_ptr frame;
  av::audio_fifo_ptr fifo;
  std::vector<float> silence;
  int64_t next_pts = 0;
  std::vector<audio_packet> packets;
};

aac_encoder::~aac_encoder() = default;

expected<std::unique_ptr<aac_encoder>> aac_encoder::open(int bit_rate) {
  std::unique_ptr<aac_encoder> self(new aac_encoder);
  self->state_ = std::make_unique<state>();
  state& st = *self->state_;
  // By name: avcodec_find_encoder(AV_CODEC_ID_AAC) could pick libfdk_aac in
  // another build, and its priming and quality differ.
  const AVCodec* codec = avcodec_find_encoder_by_name("aac");
  if (codec == nullptr)
    return make_error(errc::codec_error, "this FFmpeg build has no native AAC encoder");
  st.encoder.reset(avcodec_alloc_context3(codec));
  st.packet.reset(av_packet_alloc());
  st.frame.reset(av_frame_alloc());
  if (!st.encoder || !st.packet || !st.frame)
    return make_error(errc::internal, "out of memory opening the AAC encoder");
  st.encoder->profile = FF_PROFILE_AAC_LOW;
  st.encoder->sample_fmt = AV_SAMPLE_FMT_FLTP;
  st.encoder->sample_rate = pcm_rate;
  av_channel_layout_default(&st.encoder->ch_layout, pcm_channels);
  st.encoder->bit_rate = bit_rate;
  st.encoder->time_base = AVRational{1, pcm_rate};
  // MP4 carries the AudioSpecificConfig out of band (extradata), not in ADTS headers.
  st.encoder->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;
  if (int rc = avcodec_open2(st.encoder.get(), codec, nullptr); rc < 0)
    return make_error(errc::codec_error, "cannot open the AAC encoder: " + av::error_string(rc));
  st.fifo.reset(av_audio_fifo_alloc(AV_SAMPLE_FMT_FLTP, pcm_channels, st.encoder->frame_size));
  if (!st.fifo)
    return make_error(errc::internal, "out of memory allocating the audio FIFO");
  st.silence.assign(static_cast<size_t>(st.encoder->frame_size), 0.0f);
  return self;
}

status aac_encoder::push(const float* const* planes, int samples) {
  if (samples <= 0)
    return {};
  if (av_audio_fifo_write(state_->fifo.get(), reinterpret_cast<void**>(const_cast<float**>(planes)),
                          samples) < samples)
    return make_error(errc::internal, "out of memory buffering audio");
  samples_ += samples;
  return encode_full_frames();
}

status aac_encoder::push_silence(int64_t samples) {
  const float* planes[pcm_channels] = {state_->silence.data(), state_->silence.data()};
  while (samples > 0) {
    // In frame-sized steps so the FIFO stays small.
    int chunk = static_cast<int>(std::min<int64_t>(samples, static_cast<int64_t>(state_->silence.size())));
    if (auto pushed = push(planes, chunk); !pushed)
      return pushed;
    samples -= chunk;
  }
  return {};
}

expected<encoded_audio> aac_encoder::finish() {
  state& st = *state_;
  const int64_t real_samples = samples_;
  const int frame_size = st.encoder->frame_size;
  if (int partial = av_audio_fifo_size(st.fifo.get()) % frame_size; partial > 0)
    if (auto padded = push_silence(frame_size - partial); !padded)
      return padded.error();
  if (int rc = avcodec_send_frame(st.encoder.get(), nullptr); rc < 0)
    return make_error(errc::codec_error, "cannot flush the AAC encoder: " + av::error_string(rc));
  if (auto drained = drain(); !drained)
    return drained.error();
  encoded_audio out;
  out.sample_rate = pcm_rate;
  out.channels = pcm_channels;
  out.bit_rate = st.encoder->bit_rate;
  out.frame_size = frame_size;
  out.initial_padding = st.encoder->initial_padding;
  out.extradata.assign(st.encoder->extradata, st.encoder->extradata + st.encoder->extradata_size);
  out.packets = std::move(st.packets);
  out.sample_count = real_samples;
  // The encoder was given ceil(real / 1024) frames, so the last packet
  // starts before the last real sample; it now ends exactly on it.
  if (!out.packets.empty() && out.packets.back().pts < real_samples)
    out.packets.back().duration = real_samples - out.packets.back().pts;
  samples_ = real_samples;
  return out;
}

status aac_encoder::encode_full_frames() {
  state& st = *state_;
  const int frame_size = st.encoder->frame_size;
  while (av_audio_fifo_size(st.fifo.get()) >= frame_size) {
    // A fresh buffer per frame: the encoder may still hold a reference to the last one.
    av_frame_unref(st.frame.get());
    st.frame->nb_samples = frame_size;
    st.frame->format = AV_SAMPLE_FMT_FLTP;
    st.frame->sample_rate = pcm_rate;
    av_channel_layout_copy(&st.frame->ch_layout, &st.encoder->ch_layout);
    if (av_frame_get_buffer(st.frame.get(), 0) < 0)
      return make_error(errc::internal, "out of memory for an audio frame");
    av_audio_fifo_read(st.fifo.get(), reinterpret_cast<void**>(st.frame->data), frame_size);
    st.frame->pts = st.next_pts;
    st.next_pts += frame_size;
    if (int rc = avcodec_send_frame(st.encoder.get(), st.frame.get()); rc < 0)
      return make_error(errc::codec_error, "the AAC encoder failed: " + av::error_string(rc));
    if (auto drained = drain(); !drained)
      return drained;
  }
  return {};
}

status aac_encoder::drain() {
  state& st = *state_;
  for (;;) {
    int rc = avcodec_receive_packet(st.encoder.get(), st.packet.get());
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
      return {};
    if (rc < 0)
      return make_error(errc::codec_error, "the AAC encoder failed: " + av::error_string(rc));
    // FFmpeg 5.1's encoder delays by its priming (initial_padding = 1024):
    // the first packet has pts -1024 and the muxer turns that into an edit list.
    audio_packet packet;
    packet.pts = st.packet->pts;
    packet.duration = st.packet->duration;
    packet.data.assign(st.packet->data, st.packet->data + st.packet->size);
    st.packets.push_back(std::move(packet));
    av_packet_unref(st.packet.get());
  }
}

status decode_encoded_audio(const encoded_audio& audio,
                            const std::function<void(const float* const* planes, int samples)>& sink) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
  if (codec == nullptr)
    return make_error(errc::codec_error, "this FFmpeg build has no AAC decoder");
  av::codec_context_ptr decoder(avcodec_alloc_context3(codec));
  av::packet_ptr packet(av_packet_alloc());
  av::frame_ptr frame(av_frame_alloc());
  if (!decoder || !packet || !frame)
    return make_error(errc::internal, "out of memory opening the AAC decoder");
  decoder->sample_rate = audio.sample_rate;
  av_channel_layout_default(&decoder->ch_layout, audio.channels);
  decoder->extradata = static_cast<uint8_t*>(av_mallocz(audio.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  if (decoder->extradata == nullptr)
    return make_error(errc::internal, "out of memory opening the AAC decoder");
  std::memcpy(decoder->extradata, audio.extradata.data(), audio.extradata.size());
  decoder->extradata_size = static_cast<int>(audio.extradata.size());
  if (int rc = avcodec_open2(decoder.get(), codec, nullptr); rc < 0)
    return make_error(errc::codec_error, "cannot open the AAC decoder: " + av::error_string(rc));

  // Raw packets carry no skip side data: the priming is skipped here, by count.
  int64_t to_skip = audio.initial_padding;
  int64_t remaining = audio.sample_count;
  auto receive = [&]() -> status {
    for (;;) {
      int rc = avcodec_receive_frame(decoder.get(), frame.get());
      if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
        return {};
      if (rc < 0)
        return make_error(errc::codec_error, "cannot decode the encoded audio: " + av::error_string(rc));
      if (frame->format != AV_SAMPLE_FMT_FLTP || frame->ch_layout.nb_channels != pcm_channels)
        return make_error(errc::internal, "the AAC decoder gave an unexpected sample layout");
      int64_t skip = std::min<int64_t>(to_skip, frame->nb_samples);
      to_skip -= skip;
      int64_t count = std::min<int64_t>(frame->nb_samples - skip, remaining);
      if (count > 0) {
        const float* planes[pcm_channels] = {reinterpret_cast<const float*>(frame->data[0]) + skip,
                                             reinterpret_cast<const float*>(frame->data[1]) + skip};
        sink(planes, static_cast<int>(count));
        remaining -= count;
      }
      av_frame_unref(frame.get());
    }
  };
  for (const auto& source : audio.packets) {
    if (av_new_packet(packet.get(), static_cast<int>(source.data.size())) < 0)
      return make_error(errc::internal, "out of memory decoding the encoded audio");
    std::memcpy(packet->data, source.data.data(), source.data.size());
    packet->pts = source.pts;
    int rc = avcodec_send_packet(decoder.get(), packet.get());
    av_packet_unref(packet.get());
    if (rc < 0)
      return make_error(errc::codec_error, "cannot decode the encoded audio: " + av::error_string(rc));
    if (auto received = receive(); !received)
      return received;
  }
  avcodec_send_packet(decoder.get(), nullptr);
  return receive();
}

} // namespace vs::media
