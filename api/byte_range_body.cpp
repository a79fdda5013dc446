#include "api/byte_range_body.hpp"

#include <random>

namespace vs::api {

namespace {

void add_text(range_body& body, std::string text) {
  body.length += text.size();
  body.pieces.push_back({std::move(text), 0, 0});
}

void add_slice(range_body& body, const byte_range& range) {
  body.length += range.length();
  body.pieces.push_back({"", range.first, range.length()});
}

} // namespace

std::string content_range(const byte_range& range, uint64_t file_size) {
  return "bytes " + std::to_string(range.first) + "-" + std::to_string(range.last) + "/" + std::to_string(file_size);
}

range_body make_range_body(const std::vector<byte_range>& parts, uint64_t file_size, const std::string& content_type,
                           const std::string& boundary) {
  range_body body;
  if (parts.size() == 1) {
    body.content_type = content_type;
    add_slice(body, parts.front());
    return body;
  }
  body.content_type = "multipart/byteranges; boundary=" + boundary;
  for (size_t i = 0; i < parts.size(); ++i) {
    // The CRLF before a delimiter belongs to the delimiter (RFC 2046 §5.1.1).
    add_text(body, std::string(i == 0 ? "" : "\r\n") + "--" + boundary + "\r\nContent-Type: " + content_type +
                       "\r\nContent-Range: " + content_range(parts[i], file_size) + "\r\n\r\n");
    add_slice(body, parts[i]);
  }
  add_text(body, "\r\n--" + boundary + "--\r\n");
  return body;
}

std::string random_boundary() {
  static const char digits[] = "0123456789abcdef";
  std::random_device seed;
  std::mt19937_64 generator(seed());
  std::string boundary = "vs-byteranges-";
  for (int i = 0; i < 24; ++i)
    boundary += digits[generator() % 16];
  return boundary;
}

} // namespace vs::api
