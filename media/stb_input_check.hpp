#pragma once
/// Checks an image's bytes before stb_image parses them. Debian 12's libstb
/// (stb_image 2.27, git 2022-09-08) predates upstream's fuzzing fixes
/// (nothings/stb 96fe76c and 5cfc2a7, in 2.28), so these never reach it
/// (each found by fuzz/image_fuzz):
///  - formats this service does not offer: stb would also parse PSD, TGA,
///    HDR, PIC and PNM, and its 2.27 loaders for some of them overflow;
///  - a JPEG Huffman table (DHT) declaring more than 256 codes: stb copies
///    every declared code into its 256-entry tables, writing up to 3.8 KB
///    of the file's bytes past them;
///  - a JPEG scan using a quantisation or Huffman table the file never
///    defines, or a JPEG component in no scan: stb reads that table, or
///    those samples, from uninitialised heap memory, and the slide would
///    show whatever an earlier allocation left there;
///  - a palette BMP with a pixel beyond its palette (or a pixel data offset
///    inside the header, which leaves no palette at all): stb leaves the
///    rest of its palette uninitialised and shows stack contents;
///  - a PNG chunk longer than the rest of the file: stb allocates the
///    declared length (up to 2 GB for a 400-byte file) before reading it.

#include "media/error.hpp"
#include "media/image_bytes.hpp"

#include <cstdint>
#include <string>

namespace vs::media {

/// The whole image in memory (what stbi_load_from_memory will read).
status check_stb_input(const uint8_t* data, size_t size, const std::string& name);

/// The headers of an image (what stbi_info will read: a JPEG up to its
/// first scan), wherever its bytes are; only the headers are read.
status check_stb_input_header(const image_bytes& bytes, const std::string& name);

} // namespace vs::media
