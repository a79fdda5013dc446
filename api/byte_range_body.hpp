#pragma once
/// The body of a 206 answer as a list of pieces: literal text (multipart
/// delimiters and part headers) and slices of the file. Its length is known
/// before a byte is sent, so the answer has an exact Content-Length and the
/// file is streamed slice by slice, never held in memory.

#include "api/http_range.hpp"

#include <cstdint>
#include <string>
#include <vector>

namespace vs::api {

struct body_piece {
  std::string text;          ///< sent as is when `file_length` is 0
  uint64_t file_offset = 0;
  uint64_t file_length = 0;  ///< > 0: this many bytes of the file from `file_offset`
  uint64_t length() const { return file_length > 0 ? file_length : text.size(); }
};

struct range_body {
  std::string content_type;  ///< of the whole answer
  std::vector<body_piece> pieces;
  uint64_t length = 0;       ///< sum of the pieces
};

/// One part: the slice itself, `content_type` unchanged.
/// Several: multipart/byteranges (RFC 9110 §14.6) with `boundary`, each part
/// with its own Content-Type and Content-Range.
range_body make_range_body(const std::vector<byte_range>& parts, uint64_t file_size, const std::string& content_type,
                           const std::string& boundary);

/// "bytes FIRST-LAST/SIZE".
std::string content_range(const byte_range& range, uint64_t file_size);

/// A fresh random boundary (RFC 2046 §5.1.1: 1 to 70 characters).
std::string random_boundary();

} // namespace vs::api
