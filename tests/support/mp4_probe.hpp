#pragma once
/// Reads back a rendered MP4 in-process with libavformat/libavcodec: stream
/// parameters, durations, atom order, and decoded frames for pixel checks.

#include <cstdint>
#include <string>
#include <vector>

namespace vs::test {

struct video_stream_info {
  std::string codec;        ///< "h264"
  std::string pixel_format; ///< "yuv420p"
  std::string color_space;  ///< "bt709"
  int width = 0;
  int height = 0;
  double fps = 0;           ///< avg_frame_rate
  double start_time = 0;    ///< seconds
  double duration = 0;      ///< seconds
  int64_t frame_count = 0;  ///< packets counted
};

struct audio_stream_info {
  bool present = false;
  std::string codec;        ///< "aac"
  int sample_rate = 0;
  int channels = 0;
  double start_time = 0;
  double duration = 0;
};

struct mp4_info {
  video_stream_info video;
  audio_stream_info audio;
  double duration = 0;      ///< container duration, seconds
  bool moov_before_mdat = false;
};

/// Throws std::runtime_error if the file cannot be opened or has no video.
mp4_info probe_mp4(const std::string& path);

/// One decoded frame as planes of 8-bit YUV 4:2:0.
struct decoded_frame {
  int width = 0;
  int height = 0;
  double time = 0;  ///< presentation time, seconds
  std::vector<uint8_t> y, u, v;

  /// Mean of the luma plane (or a centred box of `box` pixels if > 0).
  double mean_luma(int box = 0) const;
  double mean_u() const;
  double mean_v() const;
};

/// Decodes every video frame of `path` in presentation order.
std::vector<decoded_frame> decode_frames(const std::string& path);

/// Mean absolute difference of the luma planes of two frames of equal size.
double luma_difference(const decoded_frame& a, const decoded_frame& b);

/// Peak signal-to-noise ratio of `b` against `a` over all three planes, in
/// dB (infinity when identical).
double psnr(const decoded_frame& a, const decoded_frame& b);

/// Every decoded sample of the first audio stream, channels interleaved
/// frame by frame (planar float as the AAC decoder gives it).
std::vector<float> decode_audio_samples(const std::string& path);

/// RMS of the first audio stream's decoded samples (all channels), 0..1.
double audio_rms(const std::string& path);

} // namespace vs::test
