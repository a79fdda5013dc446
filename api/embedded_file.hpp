#pragma once
/// Files built into the binary (cmake/EmbedFiles.cmake writes the tables):
/// the dashboard's HTML, CSS and JavaScript, served with no files beside
/// the binary.

#include <cstddef>
#include <string_view>

namespace vs::api {

struct embedded_file {
  const char* name;          ///< file name in its source folder, e.g. "dashboard.js"
  const char* content_type;  ///< by extension, with charset for text
  const char* etag;          ///< quoted, from the content's SHA-256
  const unsigned char* data;
  size_t size;

  std::string_view bytes() const { return {reinterpret_cast<const char*>(data), size}; }
};

/// The files of api/dashboard/, sorted by name.
extern const embedded_file dashboard_files[];
extern const size_t dashboard_files_count;

} // namespace vs::api
