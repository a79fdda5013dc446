#pragma once
/// H.264 through libavcodec's libx264 wrapper: yuv420p, BT.709 tags,
/// constant frame rate, and a pool of encoder-ready frames that renderers
/// draw into directly (no intermediate copy).

#include "media/error.hpp"
#include "media/frame_composer.hpp"

#include <functional>
#include <memory>
#include <string>

struct AVCodecContext;
struct AVFrame;
struct AVPacket;

namespace vs::media {

struct video_encoder_settings {
  int width = 1920;
  int height = 1080;
  int fps = 24;
  std::string preset = "medium";
  int crf = 20;
  int threads = 0;  ///< 0: x264 decides
  int lookahead = -1;  ///< x264 rc-lookahead frames; -1: the preset's
};

/// One output picture in an AVFrame's buffers. Move-only.
class video_frame {
public:
  static expected<video_frame> allocate(int width, int height);
  video_frame() = default;
  video_frame(video_frame&&) noexcept;
  video_frame& operator=(video_frame&&) noexcept;
  ~video_frame();

  /// Makes the buffers safe to draw into (copies only if the encoder still holds them).
  status make_writable();
  picture_view view() const;
  AVFrame* get() const { return frame_; }

private:
  AVFrame* frame_ = nullptr;
};

/// Receives each encoded packet; its timestamps are in the encoder's time base.
using packet_sink = std::function<status(AVPacket&)>;

class video_encoder {
public:
  static expected<std::unique_ptr<video_encoder>> open(const video_encoder_settings& settings);
  ~video_encoder();

  /// Encodes `frame` as frame number `index` (its pts) and hands every packet
  /// that comes out to `sink`.
  status encode(video_frame& frame, int64_t index, const packet_sink& sink);
  /// Drains the encoder's delayed packets into `sink`.
  status flush(const packet_sink& sink);

  const AVCodecContext* context() const { return context_; }

private:
  video_encoder() = default;
  status drain(const packet_sink& sink);

  AVCodecContext* context_ = nullptr;
  AVPacket* packet_ = nullptr;
};

} // namespace vs::media
