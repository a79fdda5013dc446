#include "tests/support/mp4_probe.hpp"

#include "media/av_util.hpp"

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/pixdesc.h>
}

#include <cmath>
#include <cstring>
#include <fstream>
#include <memory>
#include <stdexcept>

namespace vs::test {

namespace {

using input_ptr = media::av::format_input_ptr;
using codec_ptr = media::av::codec_context_ptr;

input_ptr open_input(const std::string& path) {
  AVFormatContext* raw = nullptr;
  if (avformat_open_input(&raw, path.c_str(), nullptr, nullptr) < 0)
    throw std::runtime_error("cannot open " + path);
  input_ptr input(raw);
  if (avformat_find_stream_info(raw, nullptr) < 0)
    throw std::runtime_error("cannot read stream info of " + path);
  return input;
}

double seconds(int64_t value, AVRational base) {
  return value == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(value) * av_q2d(base);
}

bool moov_precedes_mdat(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  uint64_t offset = 0;
  for (int guard = 0; guard < 64; ++guard) {
    unsigned char header[16];
    in.seekg(static_cast<std::streamoff>(offset));
    if (!in.read(reinterpret_cast<char*>(header), 8))
      return false;
    uint64_t size = (uint64_t{header[0]} << 24) | (uint64_t{header[1]} << 16) | (uint64_t{header[2]} << 8) | header[3];
    std::string type(reinterpret_cast<char*>(header + 4), 4);
    if (size == 1) {
      if (!in.read(reinterpret_cast<char*>(header + 8), 8))
        return false;
      size = 0;
      for (int i = 8; i < 16; ++i)
        size = (size << 8) | header[i];
    }
    if (type == "moov")
      return true;
    if (type == "mdat" || size == 0)
      return false;
    offset += size;
  }
  return false;
}

codec_ptr open_decoder(AVStream* stream) {
  const AVCodec* codec = avcodec_find_decoder(stream->codecpar->codec_id);
  if (codec == nullptr)
    throw std::runtime_error("no decoder");
  codec_ptr ctx(avcodec_alloc_context3(codec));
  avcodec_parameters_to_context(ctx.get(), stream->codecpar);
  ctx->thread_count = 1;
  if (avcodec_open2(ctx.get(), codec, nullptr) < 0)
    throw std::runtime_error("cannot open decoder");
  return ctx;
}

/// Feeds every packet of `stream_index` through `ctx`, calling `on_frame` for each decoded frame.
template <class OnFrame>
void decode_stream(AVFormatContext* input, int stream_index, AVCodecContext* ctx, OnFrame on_frame) {
  media::av::packet_ptr packet(av_packet_alloc());
  media::av::frame_ptr frame(av_frame_alloc());
  auto receive_all = [&] {
    while (avcodec_receive_frame(ctx, frame.get()) == 0) {
      on_frame(*frame);
      av_frame_unref(frame.get());
    }
  };
  while (av_read_frame(input, packet.get()) >= 0) {
    if (packet->stream_index == stream_index) {
      avcodec_send_packet(ctx, packet.get());
      receive_all();
    }
    av_packet_unref(packet.get());
  }
  avcodec_send_packet(ctx, nullptr);
  receive_all();
}

} // namespace

mp4_info probe_mp4(const std::string& path) {
  auto input = open_input(path);
  mp4_info info;
  info.duration = input->duration == AV_NOPTS_VALUE ? 0.0 : static_cast<double>(input->duration) / AV_TIME_BASE;
  info.moov_before_mdat = moov_precedes_mdat(path);
  int video_index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (video_index < 0)
    throw std::runtime_error(path + " has no video stream");
  AVStream* video = input->streams[video_index];
  info.video.codec = avcodec_get_name(video->codecpar->codec_id);
  auto format = static_cast<AVPixelFormat>(video->codecpar->format);
  info.video.pixel_format = av_get_pix_fmt_name(format) ? av_get_pix_fmt_name(format) : "";
  info.video.color_space = av_color_space_name(video->codecpar->color_space);
  info.video.width = video->codecpar->width;
  info.video.height = video->codecpar->height;
  info.video.fps = av_q2d(video->avg_frame_rate);
  info.video.start_time = seconds(video->start_time, video->time_base);
  info.video.duration = seconds(video->duration, video->time_base);
  info.video.frame_count = video->nb_frames;

  int audio_index = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (audio_index >= 0) {
    AVStream* audio = input->streams[audio_index];
    info.audio.present = true;
    info.audio.codec = avcodec_get_name(audio->codecpar->codec_id);
    info.audio.sample_rate = audio->codecpar->sample_rate;
    info.audio.channels = audio->codecpar->ch_layout.nb_channels;
    info.audio.start_time = seconds(audio->start_time, audio->time_base);
    info.audio.duration = seconds(audio->duration, audio->time_base);
  }
  return info;
}

double decoded_frame::mean_luma(int box) const {
  int x0 = 0, y0 = 0, w = width, h = height;
  if (box > 0) {
    w = std::min(box, width);
    h = std::min(box, height);
    x0 = (width - w) / 2;
    y0 = (height - h) / 2;
  }
  double sum = 0;
  for (int yy = y0; yy < y0 + h; ++yy)
    for (int xx = x0; xx < x0 + w; ++xx)
      sum += y[static_cast<size_t>(yy) * width + xx];
  return sum / (static_cast<double>(w) * h);
}

static double mean_of(const std::vector<uint8_t>& plane) {
  double sum = 0;
  for (uint8_t value : plane)
    sum += value;
  return plane.empty() ? 0.0 : sum / static_cast<double>(plane.size());
}

double decoded_frame::mean_u() const { return mean_of(u); }
double decoded_frame::mean_v() const { return mean_of(v); }

std::vector<decoded_frame> decode_frames(const std::string& path) {
  auto input = open_input(path);
  int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_VIDEO, -1, -1, nullptr, 0);
  if (index < 0)
    throw std::runtime_error(path + " has no video stream");
  auto ctx = open_decoder(input->streams[index]);
  std::vector<decoded_frame> frames;
  decode_stream(input.get(), index, ctx.get(), [&](const AVFrame& frame) {
    if (frame.format != AV_PIX_FMT_YUV420P)
      throw std::runtime_error("unexpected pixel format");
    decoded_frame out;
    out.width = frame.width;
    out.height = frame.height;
    out.time = seconds(frame.best_effort_timestamp, input->streams[index]->time_base);
    auto copy_plane = [&](int p, int w, int h, std::vector<uint8_t>& dst) {
      dst.resize(static_cast<size_t>(w) * h);
      for (int row = 0; row < h; ++row)
        std::memcpy(&dst[static_cast<size_t>(row) * w], frame.data[p] + static_cast<ptrdiff_t>(row) * frame.linesize[p],
                    static_cast<size_t>(w));
    };
    copy_plane(0, frame.width, frame.height, out.y);
    copy_plane(1, frame.width / 2, frame.height / 2, out.u);
    copy_plane(2, frame.width / 2, frame.height / 2, out.v);
    frames.push_back(std::move(out));
  });
  return frames;
}

double luma_difference(const decoded_frame& a, const decoded_frame& b) {
  if (a.y.size() != b.y.size() || a.y.empty())
    throw std::runtime_error("frames differ in size");
  double sum = 0;
  for (size_t i = 0; i < a.y.size(); ++i)
    sum += std::abs(static_cast<int>(a.y[i]) - static_cast<int>(b.y[i]));
  return sum / static_cast<double>(a.y.size());
}

double psnr(const decoded_frame& a, const decoded_frame& b) {
  if (a.y.size() != b.y.size() || a.u.size() != b.u.size() || a.y.empty())
    throw std::runtime_error("frames differ in size");
  double squared = 0;
  size_t count = 0;
  for (auto planes : {std::make_pair(&a.y, &b.y), std::make_pair(&a.u, &b.u), std::make_pair(&a.v, &b.v)}) {
    for (size_t i = 0; i < planes.first->size(); ++i) {
      double d = static_cast<double>((*planes.first)[i]) - (*planes.second)[i];
      squared += d * d;
    }
    count += planes.first->size();
  }
  double mse = squared / static_cast<double>(count);
  return mse == 0 ? INFINITY : 10.0 * std::log10(255.0 * 255.0 / mse);
}

std::vector<float> decode_audio_samples(const std::string& path) {
  auto input = open_input(path);
  int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0)
    throw std::runtime_error(path + " has no audio stream");
  auto ctx = open_decoder(input->streams[index]);
  std::vector<float> samples;
  decode_stream(input.get(), index, ctx.get(), [&](const AVFrame& frame) {
    if (frame.format != AV_SAMPLE_FMT_FLTP)
      throw std::runtime_error("unexpected sample format");
    for (int c = 0; c < frame.ch_layout.nb_channels; ++c) {
      const auto* plane = reinterpret_cast<const float*>(frame.extended_data[c]);
      samples.insert(samples.end(), plane, plane + frame.nb_samples);
    }
  });
  return samples;
}

double audio_rms(const std::string& path) {
  auto input = open_input(path);
  int index = av_find_best_stream(input.get(), AVMEDIA_TYPE_AUDIO, -1, -1, nullptr, 0);
  if (index < 0)
    return 0.0;
  auto ctx = open_decoder(input->streams[index]);
  double sum = 0;
  int64_t count = 0;
  decode_stream(input.get(), index, ctx.get(), [&](const AVFrame& frame) {
    if (frame.format != AV_SAMPLE_FMT_FLTP)
      throw std::runtime_error("unexpected sample format");
    for (int c = 0; c < frame.ch_layout.nb_channels; ++c) {
      const auto* samples = reinterpret_cast<const float*>(frame.extended_data[c]);
      for (int i = 0; i < frame.nb_samples; ++i) {
        sum += static_cast<double>(samples[i]) * samples[i];
        ++count;
      }
    }
  });
  return count > 0 ? std::sqrt(sum / static_cast<double>(count)) : 0.0;
}

} // namespace vs::test
