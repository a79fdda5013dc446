#include "media/render_chunk.hpp"

#include "media/output_file.hpp"
#include "media/render_job.hpp"

#include <chrono>
#include <filesystem>

namespace vs::media {

expected<chunk_result> render_chunk(const render_spec& spec, const render_limits& limits,
                                    std::optional<double> audio_seconds, frame_range range,
                                    const std::string& segment_path, const render_callbacks& callbacks,
                                    std::shared_ptr<const captions::caption_layout> captions) {
  auto started = std::chrono::steady_clock::now();
  render_spec job = spec;
  job.output_path = segment_path;  // validate() asks for an output
  if (auto valid = validate(job, limits); !valid)
    return valid.error();
  const root_folders roots(spec.input_roots);
  if (auto images = check_images(spec, limits, roots); !images)
    return images.error();
  auto slides = checked_timeline(spec, limits, audio_seconds);
  if (!slides)
    return slides.error();
  auto output = output_file::beside(segment_path);
  if (!output)
    return output.error();

  // The stitcher reads the segment once from the start: no faststart pass.
  if (auto rendered = render_range_to_mp4(spec, limits, roots, *slides, range, output->temporary_path(), nullptr,
                                          false, callbacks, nullptr, std::move(captions));
      !rendered)
    return rendered.error();
  if (auto committed = output->commit(); !committed)
    return committed.error();

  chunk_result result;
  result.path = segment_path;
  result.frames = range.size();
  std::error_code ec;
  result.file_size = static_cast<int64_t>(std::filesystem::file_size(segment_path, ec));
  result.elapsed_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  return result;
}

} // namespace vs::media
