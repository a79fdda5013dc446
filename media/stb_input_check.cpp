#include "media/stb_input_check.hpp"

#include <algorithm>
#include <cstring>
#include <iterator>
#include <vector>

namespace vs::media {

namespace {

struct memory_source {
  const uint8_t* data;
  size_t size;
  size_t at = 0;
  int get() { return at < size ? data[at++] : -1; }
  void skip(size_t count) { at += std::min(count, size - at); }
};

/// Reads image_bytes (a file by pread, or memory) a byte at a time, through a small buffer.
struct bytes_source {
  const image_bytes* bytes;
  uint64_t at = 0;
  uint8_t buffer[4096];
  uint64_t buffer_start = 0;
  size_t buffered = 0;
  int get() {
    if (at < buffer_start || at >= buffer_start + buffered) {
      buffer_start = at;
      buffered = bytes->read_at(at, buffer, sizeof buffer);
      if (buffered == 0)
        return -1;
    }
    return buffer[at++ - buffer_start];
  }
  void skip(size_t count) { at = std::min<uint64_t>(at + count, bytes->size()); }
};

enum class jpeg_extent { headers, whole_file };

/// The formats the service offers, by their signatures (as stb tests them).
bool is_offered_format(const uint8_t* head, size_t size) {
  auto starts_with = [&](const char* signature, size_t length) {
    return size >= length && std::memcmp(head, signature, length) == 0;
  };
  return starts_with("\x89PNG\r\n\x1a\n", 8) || starts_with("\xff\xd8\xff", 3) || starts_with("BM", 2) ||
         starts_with("GIF87a", 6) || starts_with("GIF89a", 6);
}

unsigned table_bit(int table) { return 1u << table; }

/// The tables a JPEG has defined so far and the components of its frame.
struct jpeg_tables {
  unsigned quantisation = 0;  ///< bit n: table n defined (DQT)
  unsigned dc = 0;            ///< bit n: DC Huffman table n defined (DHT)
  unsigned ac = 0;            ///< bit n: AC Huffman table n defined (DHT)
  bool have_frame = false;
  bool progressive = false;
  int component_quantisation[256];  ///< by component id: its table, -1 if not in the frame
  std::vector<int> frame_components;  ///< ids, in frame order
  bool coded[256] = {};               ///< by component id: a scan has set all its coefficients
};

/// stb allocates each component's samples uninitialised and only a scan
/// fills them: one that is in no scan (for a progressive JPEG: in no first
/// DC scan, which also clears its AC coefficients) would show heap contents.
const char* uncoded_problem(const jpeg_tables& tables) {
  for (int id : tables.frame_components)
    if (!tables.coded[id])
      return "a component of the picture is in no scan";
  return nullptr;
}

/// The problem with a scan (SOS) header, read through `next`, if any.
template <class Next>
const char* scan_problem(jpeg_tables& tables, Next& next) {
  struct scan_component {
    int id;
    int quantisation;
    int dc;
    int ac;
  };
  std::vector<scan_component> used;
  for (int components = next(); components > 0; --components) {
    int id = next();
    int huffman = next();
    used.push_back({id, tables.component_quantisation[id], huffman >> 4, huffman & 15});
  }
  int spectral_start = next();
  next();  // spectral end
  int approximation_high = next() >> 4;
  for (const auto& component : used) {
    if (component.quantisation < 0 || component.quantisation > 3 || component.dc > 3 || component.ac > 3)
      continue;  // stb refuses these itself
    if (!(tables.quantisation & table_bit(component.quantisation)))
      return "a scan uses a quantisation table that is never defined";
    // Baseline scans use both tables; progressive ones the DC table in
    // a first DC scan and the AC table in AC scans.
    bool uses_dc = !tables.progressive || (spectral_start == 0 && approximation_high == 0);
    bool uses_ac = !tables.progressive || spectral_start != 0;
    if ((uses_dc && !(tables.dc & table_bit(component.dc))) || (uses_ac && !(tables.ac & table_bit(component.ac))))
      return "a scan uses a Huffman table that is never defined";
    if (!tables.progressive || (spectral_start == 0 && approximation_high == 0))
      tables.coded[component.id] = true;
  }
  return nullptr;
}

/// Walks a JPEG's markers after SOI, through entropy-coded data (tables may
/// change between the scans of a progressive JPEG), and names the first
/// problem stb 2.27 would mishandle: a Huffman table of more than 256 codes,
/// a scan that uses a table never defined (stb would read that table from
/// uninitialised memory: the picture would show whatever the heap held), or
/// a component in no scan (likewise).
/// Otherwise corrupt streams pass: stb refuses them by itself.
template <class Source>
const char* jpeg_problem(Source& in, jpeg_extent extent) {
  jpeg_tables tables;
  std::fill(std::begin(tables.component_quantisation), std::end(tables.component_quantisation), -1);
  for (;;) {
    int byte = in.get();
    if (byte < 0)
      return uncoded_problem(tables);
    if (byte != 0xff)
      continue;  // entropy-coded data
    int marker = in.get();
    while (marker == 0xff)
      marker = in.get();
    if (marker < 0 || marker == 0xd9)  // end of data, EOI
      return uncoded_problem(tables);
    if (marker == 0x00 || marker == 0x01 || (marker >= 0xd0 && marker <= 0xd7))
      continue;  // a stuffed 0xff, TEM or RSTn: no length follows
    int high = in.get();
    int low = in.get();
    if (low < 0)
      return nullptr;
    int length = (high << 8 | low) - 2;
    // stb reads 0 past the end and goes on; so do these.
    auto next = [&] {
      --length;
      return std::max(in.get(), 0);
    };
    if (marker == 0xc4) {  // DHT: tables of (class/id, 16 code counts, the codes)
      while (length > 0) {
        int id = next();
        int codes = 0;
        for (int bits = 0; bits < 16; ++bits)
          codes += next();
        if (codes > 256)
          return "a Huffman table declares more than 256 codes";
        if ((id & 15) <= 3)
          (id >> 4 == 0 ? tables.dc : tables.ac) |= table_bit(id & 15);
        in.skip(static_cast<size_t>(codes));
        length -= codes;
      }
      continue;
    }
    if (marker == 0xdb) {  // DQT: tables of (precision/id, 64 entries of 8 or 16 bits)
      while (length > 0) {
        int id = next();
        int size = id >> 4 == 0 ? 64 : 128;
        if ((id & 15) <= 3)
          tables.quantisation |= table_bit(id & 15);
        in.skip(static_cast<size_t>(size));
        length -= size;
      }
      continue;
    }
    if (marker == 0xc0 || marker == 0xc1 || marker == 0xc2) {  // SOF: the frame's components
      tables.have_frame = true;
      tables.progressive = marker == 0xc2;
      for (int skipped = 0; skipped < 5; ++skipped)  // precision, height, width
        next();
      tables.frame_components.clear();
      for (int components = next(); components > 0 && length > 0; --components) {
        int id = next();
        next();  // sampling factors
        tables.component_quantisation[id] = next();
        tables.frame_components.push_back(id);
      }
    } else if (marker == 0xda) {  // SOS: the tables this scan uses
      if (const char* problem = tables.have_frame ? scan_problem(tables, next) : nullptr)
        return problem;
      if (extent == jpeg_extent::headers)  // the first scan: the headers end here
        return nullptr;
    }
    if (length > 0)
      in.skip(static_cast<size_t>(length));
  }
}

/// True if every PNG chunk (length, type, data, CRC) fits in the file. stb
/// 2.27 grows its IDAT buffer to a chunk's declared length before reading
/// it: 400 bytes claiming an 800 MB chunk make it allocate 800 MB.
bool png_chunks_fit(const uint8_t* data, size_t size) {
  size_t at = 8;  // the signature
  while (size - at >= 8) {
    uint32_t length = uint32_t{data[at]} << 24 | uint32_t{data[at + 1]} << 16 | uint32_t{data[at + 2]} << 8 | data[at + 3];
    if (length > size - at - 8)
      return false;
    if (std::memcmp(data + at + 4, "IEND", 4) == 0)
      return true;
    at += 8 + size_t{length} + std::min<size_t>(4, size - at - 8 - length);  // type, data, CRC
  }
  return true;  // truncated: stb refuses it by itself
}

uint32_t little_endian(const uint8_t* at, int bytes) {
  uint32_t value = 0;
  for (int i = bytes - 1; i >= 0; --i)
    value = value << 8 | at[i];
  return value;
}

/// For a BMP of 1, 4 or 8 bits per pixel, true if its palette (as stb 2.27
/// sizes it from the pixel data offset) is not empty and every pixel's
/// index lies in it. stb leaves the rest of its 256-entry palette
/// uninitialised (and with an offset inside the header, all of it), so a
/// pixel beyond the palette would show stack contents.
bool bmp_palette_covers_pixels(const uint8_t* data, size_t size) {
  if (size < 30)
    return true;  // stb refuses it by itself
  const int64_t offset = little_endian(data + 10, 4);
  const int64_t header_size = little_endian(data + 14, 4);
  const int bits = static_cast<int>(little_endian(data + (header_size == 12 ? 24 : 28), 2));
  if (bits != 1 && bits != 4 && bits != 8)
    return true;  // no palette (stb refuses other depths below 16 itself)
  const int64_t palette = header_size == 12 ? (offset - 14 - 24) / 3 : (offset - 14 - header_size) / 4;
  if (palette < 1)
    return false;
  const int64_t width = header_size == 12 ? little_endian(data + 18, 2) : little_endian(data + 18, 4);
  const int64_t height = header_size == 12 ? little_endian(data + 20, 2) : static_cast<int32_t>(little_endian(data + 22, 4));
  const int64_t row_bytes = (width * bits + 7) / 8;
  const int64_t stride = row_bytes + ((-row_bytes) & 3);
  const int64_t rows = height < 0 ? -height : height;
  if (width <= 0)
    return true;  // stb refuses it by itself
  // Past the end of the data stb reads zeros: index 0, always in the palette.
  for (int64_t row = 0; row < rows && offset + row * stride < static_cast<int64_t>(size); ++row) {
    const uint8_t* line = data + offset + row * stride;
    const int64_t available = std::min<int64_t>(row_bytes, static_cast<int64_t>(size) - (offset + row * stride));
    for (int64_t pixel = 0; pixel < width && pixel * bits / 8 < available; ++pixel) {
      int byte = line[pixel * bits / 8];
      int index = bits == 8 ? byte : (byte >> (8 - bits - (pixel * bits) % 8)) & ((1 << bits) - 1);
      if (index >= palette)
        return false;
    }
  }
  return true;
}

error not_offered(const std::string& name) {
  return make_error(errc::input_invalid, "image " + name + " is not a readable JPEG, PNG, BMP or GIF");
}

error corrupt_jpeg(const std::string& name, const char* problem) {
  return make_error(errc::input_invalid, "image " + name + " is a corrupt JPEG: " + problem);
}

} // namespace

status check_stb_input(const uint8_t* data, size_t size, const std::string& name) {
  if (!is_offered_format(data, size))
    return not_offered(name);
  if (data[0] == 0x89 && !png_chunks_fit(data, size))
    return make_error(errc::input_invalid, "image " + name + " is a truncated or corrupt PNG: a chunk runs past the end of the file");
  if (data[0] == 'B' && !bmp_palette_covers_pixels(data, size))
    return make_error(errc::input_invalid,
                      "image " + name + " is a corrupt BMP: a pixel uses a colour its palette does not have");
  if (data[0] == 0xff) {
    memory_source in{data, size, 2};
    if (const char* problem = jpeg_problem(in, jpeg_extent::whole_file))
      return corrupt_jpeg(name, problem);
  }
  return {};
}

status check_stb_input_header(const image_bytes& bytes, const std::string& name) {
  uint8_t head[8];
  size_t got = bytes.read_at(0, head, sizeof head);
  if (!is_offered_format(head, got))
    return not_offered(name);
  if (head[0] == 0xff) {
    bytes_source in{&bytes, 2};
    if (const char* problem = jpeg_problem(in, jpeg_extent::headers))
      return corrupt_jpeg(name, problem);
  }
  return {};
}

} // namespace vs::media
