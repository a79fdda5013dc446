#pragma once
/// The encoding half of the soundtrack: 48 kHz stereo planar float cut into
/// 1024-sample AAC-LC frames (FFmpeg's native encoder), and the way back
/// (decoding a finished stream to the samples a player will hear, so the
/// loudness promise is checked on the output, not on what went in).

#include "media/audio_encode.hpp"
#include "media/error.hpp"

#include <cstdint>
#include <functional>
#include <memory>

namespace vs::media {

class aac_encoder {
public:
  static expected<std::unique_ptr<aac_encoder>> open(int bit_rate);
  ~aac_encoder();
  aac_encoder(const aac_encoder&) = delete;
  aac_encoder& operator=(const aac_encoder&) = delete;

  /// Appends planar stereo samples and encodes every complete frame. Only
  /// the encoded packets are kept, never the PCM.
  status push(const float* const* planes, int samples);
  /// Appends `samples` of silence.
  status push_silence(int64_t samples);
  /// Samples pushed so far.
  int64_t samples() const { return samples_; }

  /// Pads the last partial frame, drains the encoder and returns the stream.
  /// The last packet's duration is cut to the real samples, so the MP4's
  /// edit list ends on the last real sample: players show the narration's
  /// length, not that plus up to 1023 samples of padding.
  expected<encoded_audio> finish();

private:
  aac_encoder() = default;
  status encode_full_frames();
  status drain();

  struct state;
  std::unique_ptr<state> state_;
  int64_t samples_ = 0;
};

/// Decodes `audio` as a player does: the encoder's priming skipped, the
/// stream cut at `sample_count`. `sink` gets planar stereo float.
status decode_encoded_audio(const encoded_audio& audio,
                            const std::function<void(const float* const* planes, int samples)>& sink);

} // namespace vs::media
