#pragma once
/// Inputs and measurements for caption tests: a narration of tone bursts
/// whose onsets are known exactly, an .srt reader independent of the
/// service's, and caption pixels found by their colour in decoded frames.

#include "tests/support/mp4_probe.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vs::test {

/// A stretch of "speech": a tone with a syllable-like tremolo.
struct tone_burst {
  double start = 0;
  double duration = 0;
};

/// Writes a mono 24 kHz 16-bit WAV of `seconds`: silence except the bursts.
void write_burst_narration(const std::string& path, double seconds, const std::vector<tone_burst>& bursts);

struct srt_cue {
  double start = 0;
  double end = 0;
  std::string text;
};

/// Reads an .srt file (throws if it cannot).
std::vector<srt_cue> read_srt(const std::string& path);

/// Where pixels of one colour lie in a frame, found on the chroma planes
/// (a saturated caption colour on grey slides: nothing else comes close).
struct colour_hits {
  int64_t count = 0;   ///< chroma pixels
  int x0 = 0, y0 = 0;  ///< bounding box in luma pixels (inclusive)
  int x1 = -1, y1 = -1;
};

/// Chroma pixels within `tolerance` of (u, v).
colour_hits find_colour(const decoded_frame& frame, double u, double v, double tolerance);

/// Luma pixels in the box that belong to the caption (chroma near (u, v)), as
/// a mask the size of the box: for comparing glyph shapes.
std::vector<bool> colour_mask(const decoded_frame& frame, double u, double v, double tolerance, int x0, int y0,
                              int width, int height);

/// BT.709 limited-range chroma of an sRGB colour.
void bt709_chroma(int r, int g, int b, double& u, double& v);

} // namespace vs::test
