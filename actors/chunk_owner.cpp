#include "actors/chunk_owner.hpp"

#include "actors/caf_error.hpp"
#include "media/captions/caption_export.hpp"
#include "media/poster.hpp"

#include <caf/send.hpp>

#include <spdlog/spdlog.h>

namespace vs::actors {

namespace {

constexpr auto progress_interval = std::chrono::milliseconds(200);

} // namespace

void chunk_owner(caf::blocking_actor* self, chunk_owner_setup setup) {
  const chunked_job& job = setup.job;
  int64_t reported = 0;
  auto last = std::chrono::steady_clock::now() - progress_interval;
  auto progress = [&](int64_t frames, int64_t total, int chunks_done, int chunks) {
    auto now = std::chrono::steady_clock::now();
    if (now - last < progress_interval && frames < total)
      return;
    last = now;
    // Frames done across every worker's chunks: the job's progress.
    self->send(setup.coordinator, atom::progress_v, job.id, frames, total, std::max<int64_t>(0, frames - reported),
               static_cast<int32_t>(chunks_done), static_cast<int32_t>(chunks));
    reported = std::max(reported, frames);
  };
  expected<media::stitch_result> stitched = make_error(errc::internal, "the chunked job did not run");
  try {
    stitched = run_chunked_job(setup.settings, job, progress, setup.cancelled.get());
  } catch (const std::exception& e) {
    stitched = make_error(errc::internal, std::string("the chunked job failed: ") + e.what());
  }
  if (!stitched) {
    self->send(setup.runner, atom::failed_v, to_caf(stitched.error()));
    return;
  }
  jobs::job_result result;
  result.video_path = job.spec.output_path;
  if (job.poster_frame)
    result.poster_path = media::poster_path_for(job.spec.output_path);
  if (job.captions)
    result.captions_path = media::captions::srt_path_for(job.spec.output_path);
  result.frames = stitched->frames;
  result.fps = job.spec.fps;
  result.duration_seconds = static_cast<double>(stitched->frames) / job.spec.fps;
  result.file_size = stitched->file_size;
  result.width = job.spec.width;
  result.height = job.spec.height;
  self->send(setup.runner, atom::done_v, std::move(result));
}

} // namespace vs::actors
