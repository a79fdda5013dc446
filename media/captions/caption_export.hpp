#pragma once
/// The .srt written beside the video ({name}.srt), so players and platforms
/// can show soft captions too. It appears the way the video does (written
/// under a hidden temporary name, flushed, renamed: media/output_file), just
/// before the video, so whoever sees the video finds its captions there.

#include "media/error.hpp"
#include "media/output_file.hpp"

#include <optional>
#include <string>

namespace vs::media::captions {

/// `video_path` with its extension replaced by .srt.
std::string srt_path_for(const std::string& video_path);

class caption_export {
public:
  /// Writes `srt_text` to a temporary file beside `video_path`.
  static expected<caption_export> write(const std::string& video_path, const std::string& srt_text);

  const std::string& path() const { return file_.final_path(); }

  /// Renames the temporary file into place (and flushes the folder).
  status commit() { return file_.commit(); }
  /// Removes the committed file again (its video could not be committed).
  void withdraw();

private:
  explicit caption_export(output_file file) : file_(std::move(file)) {}
  output_file file_;
};

/// Commits the captions (if any), then the video; a video that cannot be
/// committed takes its captions with it.
status commit_with_captions(output_file& video, std::optional<caption_export>& captions);

} // namespace vs::media::captions
