#pragma once
/// RAII owners and error text for FFmpeg objects (internal to media/).

extern "C" {
#include <libavcodec/avcodec.h>
#include <libavformat/avformat.h>
#include <libavutil/audio_fifo.h>
#include <libswresample/swresample.h>
#include <libswscale/swscale.h>
}

#include <memory>
#include <string>

namespace vs::media::av {

struct format_input_deleter {
  void operator()(AVFormatContext* ctx) const { avformat_close_input(&ctx); }
};
struct codec_context_deleter {
  void operator()(AVCodecContext* ctx) const { avcodec_free_context(&ctx); }
};
struct frame_deleter {
  void operator()(AVFrame* frame) const { av_frame_free(&frame); }
};
struct packet_deleter {
  void operator()(AVPacket* packet) const { av_packet_free(&packet); }
};
struct swr_deleter {
  void operator()(SwrContext* ctx) const { swr_free(&ctx); }
};
struct sws_deleter {
  void operator()(SwsContext* ctx) const { sws_freeContext(ctx); }
};
struct audio_fifo_deleter {
  void operator()(AVAudioFifo* fifo) const { av_audio_fifo_free(fifo); }
};

using format_input_ptr = std::unique_ptr<AVFormatContext, format_input_deleter>;
using codec_context_ptr = std::unique_ptr<AVCodecContext, codec_context_deleter>;
using frame_ptr = std::unique_ptr<AVFrame, frame_deleter>;
using packet_ptr = std::unique_ptr<AVPacket, packet_deleter>;
using swr_ptr = std::unique_ptr<SwrContext, swr_deleter>;
using sws_ptr = std::unique_ptr<SwsContext, sws_deleter>;
using audio_fifo_ptr = std::unique_ptr<AVAudioFifo, audio_fifo_deleter>;

/// FFmpeg's text for an AVERROR code (av_err2str does not compile in C++).
inline std::string error_string(int code) {
  char buffer[AV_ERROR_MAX_STRING_SIZE] = {};
  av_strerror(code, buffer, sizeof buffer);
  return buffer;
}

} // namespace vs::media::av
