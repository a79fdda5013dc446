#include "api/spec_summary.hpp"

#include <nlohmann/json.hpp>

namespace vs::api {

nlohmann::json spec_summary(const media::render_spec& spec) {
  nlohmann::json summary = {
      {"audio_path", spec.audio_path},
      {"image_paths", spec.image_paths},
      {"resolution", {spec.width, spec.height}},
      {"fps", spec.fps},
      {"sync_to_audio", spec.sync_to_audio},
      {"slide_duration", spec.slide_duration},
      {"transition", spec.pictures.random_transition ? "random" : media::to_string(spec.transition)},
      {"transition_duration", spec.transition_duration},
      {"fit", media::to_string(spec.pictures.fit)},
      {"enable_ken_burns", spec.ken_burns},
      {"zoom_factor", spec.zoom_factor},
      {"preset", spec.preset},
      {"crf", spec.crf},
      {"poster", spec.pictures.poster},
      {"captions", spec.captions.requested()},
  };
  if (!spec.music_path.empty())
    summary["music_path"] = spec.music_path;
  if (spec.loudness)
    summary["loudness"] = *spec.loudness;
  return summary;
}

} // namespace vs::api
