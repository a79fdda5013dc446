#pragma once
/// Test inputs made inside the tests: images through stb_image_write, audio
/// through the ffmpeg command line (`-f lavfi`), so no binary fixtures live in
/// the repository.

#include <cstdint>
#include <string>

namespace vs::test {

/// Writes a PNG of `width` × `height` with `channels` (1 grey, 2 grey+alpha,
/// 3 RGB, 4 RGBA) showing a smooth gradient plus a grid, seeded by `variant`
/// so that different slides look different. Alpha, if any, falls off towards
/// the left edge.
void write_test_png(const std::string& path, int width, int height, int channels = 3, int variant = 0);

/// Same picture as a JPEG (quality 90).
void write_test_jpeg(const std::string& path, int width, int height, int variant = 0);

/// Flaws that make stb_image 2.27 (Debian 12) misbehave, found by fuzz/image_fuzz.
enum class image_flaw {
  oversized_huffman_table,       ///< JPEG: a DHT declares 510 codes (max 256): stb writes past its tables
  undefined_quantisation_table,  ///< JPEG: DQT defines table 2, not the table 0 the frame uses: stb reads uninitialised memory
  undefined_huffman_table,       ///< JPEG: DHT defines DC table 2, not the DC table 0 the scan uses: likewise
  no_scan,                       ///< JPEG: EOI right after the headers: stb shows its uninitialised sample buffers
  overlong_png_chunk,            ///< PNG: the IDAT chunk claims 800 MB: stb allocates that much before reading it
};

/// A 64x64 JPEG or PNG (write_test_jpeg, write_test_png) with `flaw` patched in.
void write_flawed_image(const std::string& path, image_flaw flaw);

/// A 2x1 BMP of 8 bits per pixel with a palette of 2 colours (blue, green)
/// and pixels using the palette entries `first` and `second`: an index of 2
/// or more lies beyond the palette.
void write_palette_bmp(const std::string& path, uint8_t first, uint8_t second);

/// Writes a solid-colour RGB PNG.
void write_solid_png(const std::string& path, int width, int height, uint8_t r, uint8_t g, uint8_t b);

/// Writes `bytes` verbatim (for corrupt, empty or hostile files).
void write_bytes(const std::string& path, const std::string& bytes);

/// Synthesises `seconds` of a tone at `sample_rate` with `channels` with the
/// ffmpeg CLI; the container and codec follow the extension (.mp3, .wav,
/// .m4a, .ogg (Opus), .flac). Throws if ffmpeg fails.
void write_test_audio(const std::string& path, double seconds, int sample_rate = 24000, int channels = 1);

/// Runs a shell command, returns its exit status.
int run_command(const std::string& command);

} // namespace vs::test
