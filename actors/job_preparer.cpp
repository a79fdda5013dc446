#include "actors/job_preparer.hpp"

#include "actors/caf_error.hpp"
#include "jobs/upload_folder.hpp"
#include "media/image_probe.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/stateful_actor.hpp>

namespace vs::actors {

namespace {

caf::result<audio_ptr> prepare(const prepare_request& request) {
  const media::render_spec& spec = request.spec;
  if (!request.output_dir.empty())
    jobs::touch_files(jobs::uploads_used_by(spec, jobs::uploads_folder_of(request.output_dir)));
  const media::image_decode_limits image_limits = media::image_limits_of(request.limits);
  // Checked on the files opened, not only on the paths when the job arrived.
  const media::root_folders roots(spec.input_roots);
  for (const auto& path : spec.image_paths) {
    if (request.cancelled && request.cancelled->load())
      return caf_error(errc::cancelled, "the job was cancelled");
    if (auto header = media::probe_image_file(path, image_limits, roots); !header)
      return to_caf(header.error());
  }
  if (spec.audio_path.empty())
    return audio_ptr();
  media::audio_options options = media::audio_options_for(spec, request.limits);
  options.fixed_seconds = request.fixed_audio_seconds;
  options.cancel = request.cancelled.get();
  auto audio = media::encode_audio_file(spec.audio_path, options, roots);
  if (!audio)
    return to_caf(audio.error());
  return audio_ptr(std::make_shared<const media::encoded_audio>(std::move(*audio)));
}

} // namespace

job_preparer_actor::behavior_type job_preparer(job_preparer_actor::stateful_pointer<job_preparer_state> self) {
  return {
    [=](atom::prepare, const prepare_request& request) -> caf::result<audio_ptr> {
      self->quit();
      try {
        return prepare(request);
      } catch (const std::exception& e) {
        return caf_error(errc::internal, std::string("preparing the job failed: ") + e.what());
      }
    },
  };
}

} // namespace vs::actors
