#pragma once
/// Where uploads live (OUTPUT_DIR/uploads), what their ids look like, and
/// the refresh of their age that keeps an upload a job uses from being
/// collected. Plain file-system code shared by the HTTP API (which stores
/// and collects uploads, api/upload_store) and the job runner (which
/// refreshes a job's uploads when it starts, on whichever worker that is).
///
/// The rule: an upload is collected once its modification time is older
/// than UPLOAD_MAX_AGE_HOURS and no live job of the collecting worker uses
/// it. Storing it, submitting a job that names it and starting that job
/// each set its modification time to now, so a job anywhere keeps its
/// uploads young for that long after it was submitted and after it started.

#include "media/render_spec.hpp"

#include <filesystem>
#include <string>
#include <vector>

namespace vs::jobs {

/// OUTPUT_DIR/uploads, with the symlinks of the part that exists resolved
/// (so it compares equal to the canonical paths of files in it).
std::filesystem::path uploads_folder_of(const std::string& output_dir);

/// True for an upload id as POST /uploads gives it: the SHA-256 of the
/// content in 64 lowercase hex digits, a dot and an extension of 1 to 8
/// lowercase letters or digits ("9f86…0a08.png").
bool is_upload_id(const std::string& text);

/// The input files of `spec` (narration, music, slides, captions file)
/// that lie in `folder`, each once.
std::vector<std::string> uploads_used_by(const media::render_spec& spec, const std::filesystem::path& folder);

/// 16 random hex digits, for names of temporary files that no other
/// process sharing the folder picks too.
std::string random_file_suffix();

/// Sets the modification time of each of `paths` to now. Returns those
/// that could not be touched (removed meanwhile).
std::vector<std::string> touch_files(const std::vector<std::string>& paths);

} // namespace vs::jobs
