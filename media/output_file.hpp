#pragma once
/// The result appears whole or not at all: the MP4 is written under a hidden
/// temporary name in the destination folder and renamed into place only when
/// complete (rename is atomic within one file system). An uncommitted
/// temporary file is removed when its owner goes away.

#include "media/error.hpp"

#include <string>

namespace vs::media {

class output_file {
public:
  /// Prepares a temporary path beside `final_path`. Fails if the folder does
  /// not exist or is not writable.
  static expected<output_file> beside(const std::string& final_path);

  output_file(output_file&& other) noexcept;
  output_file& operator=(output_file&& other) noexcept;
  output_file(const output_file&) = delete;
  output_file& operator=(const output_file&) = delete;
  ~output_file();

  const std::string& temporary_path() const { return temporary_path_; }
  const std::string& final_path() const { return final_path_; }

  /// Renames the temporary file to the final path.
  status commit();

private:
  output_file(std::string final_path, std::string temporary_path);
  void discard();

  std::string final_path_;
  std::string temporary_path_;
  bool committed_ = false;
};

} // namespace vs::media
