#pragma once
/// Reading an upload request's body as it arrives: each file (a multipart
/// file part, or the whole of a raw body) streams into its own temporary
/// file (api/upload_file), small text parts (a multipart job's JSON) are
/// kept in memory, and both are counted against their limits byte by byte,
/// so neither a chunked body nor a lying client can make the server hold
/// more. Then store_received identifies every file by content and stores
/// them all, or none. Internal to api/.

#include "api/upload_store.hpp"

#include <httplib.h>

#include <map>
#include <memory>
#include <string>
#include <vector>

namespace vs::api {

struct received_file {
  std::string part;      ///< the multipart part's name; empty for a raw body
  std::string filename;  ///< the client's name for it; may be empty
  std::unique_ptr<upload_file> file;

  /// How messages name it: the client's file name, else the part.
  std::string name() const { return !filename.empty() ? filename : part.empty() ? "upload" : "in part " + part; }
};

struct received_body {
  std::vector<received_file> files;         ///< in the order they came
  std::map<std::string, std::string> texts;  ///< the text parts, by name
};

struct receive_rules {
  std::vector<std::string> text_parts;  ///< multipart parts kept in memory
  uint64_t max_text_bytes = 0;          ///< all text parts together
  /// Set: the only name a file part may have (several may); empty: any
  /// part not a text part is a file, each name once.
  std::string file_part;
  uint64_t max_file_bytes = 0;          ///< all files together
  std::string too_large;                ///< the message when they are larger
  /// A body that is not multipart/form-data is one file of this name
  /// (the client's, may be empty).
  std::string raw_filename;
};

/// The most file parts one request may have: a job's slides, narration,
/// music and captions.
constexpr size_t max_file_parts = 1024;

/// Reads the body of `request` through `reader` under `rules`. Errors:
/// errc::input_too_large over a limit, errc::malformed_request for a body
/// that cannot be read as multipart/form-data, errc::invalid_argument for a
/// part that is not allowed or named twice, errc::io_error if the uploads
/// folder cannot be written. A body left partly unread closes the
/// connection after the answer.
expected<received_body> receive_body(const httplib::Request& request, const httplib::ContentReader& reader,
                                     const upload_store& store, const receive_rules& rules);

/// Identifies every file of `files` by content, then stores them all
/// (upload_store::commit), in order. One that is not audio or an image
/// refuses the request and none is stored.
expected<std::vector<upload_info>> store_received(upload_store& store, std::vector<received_file>& files);

/// The status of a store_received error: 415 for content that is not
/// audio or an image (or a broken one), else the code's own.
int refusal_status(const error& failure);

} // namespace vs::api
