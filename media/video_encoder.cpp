#include "media/video_encoder.hpp"

#include "media/av_util.hpp"

extern "C" {
#include <libavutil/opt.h>
}

namespace vs::media {

namespace {

error codec_failure(const std::string& what, int code) {
  return make_error(errc::codec_error, what + ": " + av::error_string(code));
}

} // namespace

expected<video_frame> video_frame::allocate(int width, int height) {
  video_frame result;
  result.frame_ = av_frame_alloc();
  if (result.frame_ == nullptr)
    return make_error(errc::internal, "out of memory allocating a video frame");
  result.frame_->format = AV_PIX_FMT_YUV420P;
  result.frame_->width = width;
  result.frame_->height = height;
  // 64-byte alignment keeps x264's and our row loops on aligned vectors.
  if (int rc = av_frame_get_buffer(result.frame_, 64); rc < 0)
    return codec_failure("cannot allocate a video frame", rc);
  return result;
}

video_frame::video_frame(video_frame&& other) noexcept : frame_(other.frame_) { other.frame_ = nullptr; }

video_frame& video_frame::operator=(video_frame&& other) noexcept {
  if (this != &other) {
    av_frame_free(&frame_);
    frame_ = other.frame_;
    other.frame_ = nullptr;
  }
  return *this;
}

video_frame::~video_frame() { av_frame_free(&frame_); }

status video_frame::make_writable() {
  if (int rc = av_frame_make_writable(frame_); rc < 0)
    return codec_failure("cannot make a video frame writable", rc);
  return {};
}

picture_view video_frame::view() const {
  picture_view view;
  for (int p = 0; p < 3; ++p) {
    int shift = p == 0 ? 0 : 1;
    view.planes[static_cast<size_t>(p)] = {frame_->data[p], frame_->linesize[p], frame_->width >> shift,
                                           frame_->height >> shift};
  }
  return view;
}

expected<std::unique_ptr<video_encoder>> video_encoder::open(const video_encoder_settings& settings) {
  const AVCodec* codec = avcodec_find_encoder_by_name("libx264");
  if (codec == nullptr)
    return make_error(errc::codec_error, "this FFmpeg build has no libx264 encoder");
  std::unique_ptr<video_encoder> encoder(new video_encoder);
  encoder->context_ = avcodec_alloc_context3(codec);
  encoder->packet_ = av_packet_alloc();
  if (encoder->context_ == nullptr || encoder->packet_ == nullptr)
    return make_error(errc::internal, "out of memory opening the video encoder");

  AVCodecContext* ctx = encoder->context_;
  ctx->width = settings.width;
  ctx->height = settings.height;
  ctx->time_base = AVRational{1, settings.fps};
  ctx->framerate = AVRational{settings.fps, 1};
  ctx->pix_fmt = AV_PIX_FMT_YUV420P;
  ctx->color_range = AVCOL_RANGE_MPEG;
  ctx->color_primaries = AVCOL_PRI_BT709;
  ctx->color_trc = AVCOL_TRC_BT709;
  ctx->colorspace = AVCOL_SPC_BT709;
  ctx->thread_count = settings.threads;
  // MP4 keeps SPS/PPS in the sample description, not in the stream.
  ctx->flags |= AV_CODEC_FLAG_GLOBAL_HEADER;

  AVDictionary* options = nullptr;
  av_dict_set(&options, "preset", settings.preset.c_str(), 0);
  av_dict_set(&options, "crf", std::to_string(settings.crf).c_str(), 0);
  if (settings.lookahead >= 0)
    av_dict_set(&options, "rc-lookahead", std::to_string(settings.lookahead).c_str(), 0);
  int rc = avcodec_open2(ctx, codec, &options);
  av_dict_free(&options);
  if (rc < 0)
    return codec_failure("cannot open the libx264 encoder", rc);
  return encoder;
}

video_encoder::~video_encoder() {
  av_packet_free(&packet_);
  avcodec_free_context(&context_);
}

status video_encoder::encode(video_frame& frame, int64_t index, const packet_sink& sink) {
  frame.get()->pts = index;
  if (int rc = avcodec_send_frame(context_, frame.get()); rc < 0)
    return codec_failure("the video encoder refused frame " + std::to_string(index), rc);
  return drain(sink);
}

status video_encoder::flush(const packet_sink& sink) {
  if (int rc = avcodec_send_frame(context_, nullptr); rc < 0 && rc != AVERROR_EOF)
    return codec_failure("cannot flush the video encoder", rc);
  return drain(sink);
}

status video_encoder::drain(const packet_sink& sink) {
  for (;;) {
    int rc = avcodec_receive_packet(context_, packet_);
    if (rc == AVERROR(EAGAIN) || rc == AVERROR_EOF)
      return {};
    if (rc < 0)
      return codec_failure("the video encoder failed", rc);
    status written = sink(*packet_);
    av_packet_unref(packet_);
    if (!written)
      return written;
  }
}

} // namespace vs::media
