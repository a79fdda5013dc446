#include "app/render_command.hpp"

#include "api/caption_fields.hpp"
#include "api/job_request.hpp"
#include "api/json_text.hpp"
#include "app/exit_codes.hpp"
#include "app/service_config.hpp"
#include "media/memory_estimate.hpp"
#include "media/render_job.hpp"
#include "media/timeline.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <memory>
#include <optional>
#include <sstream>
#include <unistd.h>

namespace vs::app {

namespace {

struct render_options {
  std::string spec_file;
  std::string audio;
  std::string output;
  std::vector<std::string> images;
  std::optional<int> fps;
  std::optional<std::string> resolution;
  std::optional<double> slide_duration;
  std::optional<double> transition_duration;
  std::optional<std::string> transition;
  bool no_ken_burns = false;
  bool no_audio_sync = false;
  std::optional<double> zoom_factor;
  std::optional<std::string> preset;
  std::optional<int> crf;
  std::optional<int> lookahead;
  std::optional<uint64_t> seed;
  std::optional<int> threads;
  double max_image_megapixels = 64.0;
  std::optional<std::string> captions;
  std::optional<std::string> captions_text;
  std::optional<std::string> captions_text_file;
  std::optional<std::string> caption_style;
  std::optional<std::string> max_job_memory_mb;  ///< strict text, as `serve` reads it
};

/// The whole of a small text file (--captions-text-file), bounded like captions_text.
expected<std::string> read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in)
    return make_error(errc::input_missing, "captions text file " + path + " cannot be read", "captions_text");
  std::string text;
  const size_t limit = static_cast<size_t>(media::captions::caption_limits{}.max_text_bytes);
  text.resize(limit + 1);
  in.read(text.data(), static_cast<std::streamsize>(text.size()));
  text.resize(static_cast<size_t>(in.gcount()));
  if (text.size() > limit)
    return make_error(errc::input_too_large,
                      "captions text file " + path + " is over the limit of " + std::to_string(limit) + " bytes",
                      "captions_text");
  return text;
}

/// --captions, --captions-text(-file) and --caption-style over what the spec file said.
status apply_caption_options(const render_options& options, media::caption_request& captions) {
  if (options.captions) {
    captions = media::caption_request{{}, {}, {}, {}, captions.style};
    captions.path = *options.captions;
  }
  if (options.captions_text) {
    captions.text = *options.captions_text;
  } else if (options.captions_text_file) {
    auto text = read_text_file(*options.captions_text_file);
    if (!text)
      return text.error();
    captions.text = std::move(*text);
  }
  if (options.caption_style) {
    auto value = nlohmann::json::parse(*options.caption_style, nullptr, false);
    if (value.is_discarded())
      return make_error(errc::invalid_argument, "--caption-style must be a JSON object", "caption_style");
    auto style = api::parse_caption_style(value, captions.style);
    if (!style)
      return style.error();
    captions.style = std::move(*style);
  }
  return {};
}

/// Builds the spec: defaults, then the --spec file, then explicit options.
expected<media::render_spec> build_spec(const render_options& options) {
  media::render_spec spec;
  if (!options.spec_file.empty()) {
    std::ifstream in(options.spec_file);
    if (!in)
      return make_error(errc::input_missing, "spec file " + options.spec_file + " cannot be read");
    std::stringstream text;
    text << in.rdbuf();
    auto body = api::parse_json_object(text.str());
    if (!body)
      return make_error(errc::malformed_request, "spec file " + options.spec_file + ": " + body.error().message);
    auto applied = api::apply_job_fields(*body, spec);
    if (!applied)
      return make_error(applied.error().code, "spec file " + options.spec_file + ": " + applied.error().message,
                        applied.error().field);
    spec = std::move(*applied);
  }
  if (!options.audio.empty())
    spec.audio_path = options.audio;
  if (!options.images.empty())
    spec.image_paths = options.images;
  spec.output_path = options.output;
  if (options.fps)
    spec.fps = *options.fps;
  if (options.resolution) {
    auto size = api::parse_resolution(nlohmann::json(*options.resolution));
    if (!size)
      return size.error();
    spec.width = size->first;
    spec.height = size->second;
  }
  if (options.slide_duration)
    spec.slide_duration = *options.slide_duration;
  if (options.transition_duration)
    spec.transition_duration = *options.transition_duration;
  if (options.transition) {
    auto kind = media::parse_transition(*options.transition);
    if (!kind)
      return kind.error();
    spec.transition = *kind;
  }
  if (options.no_ken_burns)
    spec.ken_burns = false;
  if (options.no_audio_sync)
    spec.sync_to_audio = false;
  if (options.zoom_factor)
    spec.zoom_factor = *options.zoom_factor;
  if (options.preset)
    spec.preset = *options.preset;
  if (options.crf)
    spec.crf = *options.crf;
  if (options.lookahead)
    spec.lookahead = *options.lookahead;
  if (options.seed)
    spec.seed = *options.seed;
  if (options.threads)
    spec.render_threads = *options.threads;
  if (auto captions = apply_caption_options(options, spec.captions); !captions)
    return captions.error();
  return spec;
}

/// The pipeline of media::render_video as the estimate sees it: `threads`
/// render threads over a ring of 2 × threads + 2 frames, and a slide cache
/// holding every slide from the oldest frame in the ring to one second past
/// the newest. When slides are as short as a frame that is ring + fps + 2
/// slides; when the slides set the length, their own length says how many.
media::memory_context render_memory_context(const media::render_spec& spec) {
  media::memory_context context;
  context.hardware_threads = media::machine_threads();
  context.render_threads = spec.render_threads > 0 ? spec.render_threads : media::machine_threads();
  context.frames_in_flight = 2 * context.render_threads + 2;
  const int frames_spanned = context.frames_in_flight + spec.fps;
  int frames_per_slide = 1;
  if (!spec.sync_to_audio) {
    double step = spec.slide_duration - std::min(spec.transition_duration, spec.slide_duration / 2);
    frames_per_slide = std::max(1, static_cast<int>(step * spec.fps));
  }
  context.resident_slides = (frames_spanned + frames_per_slide - 1) / frames_per_slide + 2;
  return context;
}

/// MAX_JOB_MEMORY_MB (or the option overriding it) in bytes; unset or 0:
/// the default budget of `serve` on this machine.
expected<int64_t> max_job_memory(const render_options& options) {
  service_config settings;
  const char* variable = std::getenv("MAX_JOB_MEMORY_MB");
  if (variable != nullptr && *variable != '\0')
    if (auto applied = apply_setting(settings, "MAX_JOB_MEMORY_MB", variable, "MAX_JOB_MEMORY_MB"); !applied)
      return applied.error();
  if (options.max_job_memory_mb)
    if (auto applied = apply_setting(settings, "MAX_JOB_MEMORY_MB", *options.max_job_memory_mb,
                                     "--max-job-memory-mb");
        !applied)
      return applied.error();
  return settings.max_job_memory_mb > 0 ? settings.max_job_memory_mb << 20 : media::default_memory_budget();
}

/// Refuses a job that cannot fit before any input is read, as `serve` does
/// at submit; the narration's length is not known yet, so only a fixed one counts.
status check_memory(const media::render_spec& spec, const media::render_limits& limits,
                    const render_options& options) {
  if (auto valid = media::validate(spec, limits); !valid)
    return valid.error();
  auto limit = max_job_memory(options);
  if (!limit)
    return limit.error();
  return media::check_job_memory(spec, render_memory_context(spec), media::fixed_audio_seconds(spec).value_or(0.0),
                                 *limit, "MAX_JOB_MEMORY_MB");
}

/// Redraws a one-line bar on stderr at most ten times a second.
class progress_bar {
public:
  void update(int64_t done, int64_t total) {
    auto now = std::chrono::steady_clock::now();
    if (done < total && now - last_draw_ < std::chrono::milliseconds(100))
      return;
    last_draw_ = now;
    constexpr int width = 40;
    int filled = total > 0 ? static_cast<int>(width * done / total) : width;
    std::fprintf(stderr, "\r[%s%s] %3d%%  frame %lld/%lld", std::string(static_cast<size_t>(filled), '#').c_str(),
                 std::string(static_cast<size_t>(width - filled), '.').c_str(),
                 total > 0 ? static_cast<int>(100 * done / total) : 100, static_cast<long long>(done),
                 static_cast<long long>(total));
    if (done >= total)
      std::fprintf(stderr, "\n");
    std::fflush(stderr);
  }

private:
  std::chrono::steady_clock::time_point last_draw_{};
};

int run_render(const render_options& options) {
  auto spec = build_spec(options);
  if (!spec) {
    std::cerr << "video-service render: " << spec.error().message << "\n";
    return exit_code_for(spec.error());
  }
  media::render_limits limits;
  limits.max_image_pixels = static_cast<int64_t>(options.max_image_megapixels * 1e6);
  if (auto fits = check_memory(*spec, limits, options); !fits) {
    std::cerr << "video-service render: " << fits.error().message << "\n";
    return exit_code_for(fits.error());
  }

  progress_bar bar;
  media::render_callbacks callbacks;
  if (isatty(STDERR_FILENO))
    callbacks.progress = [&](int64_t done, int64_t total) { bar.update(done, total); };

  auto result = media::render_video(*spec, limits, callbacks);
  if (!result) {
    std::cerr << "video-service render: " << result.error().message << "\n";
    return exit_code_for(result.error());
  }
  nlohmann::json line = {
      {"path", result->path},
      {"duration", result->duration_seconds},
      {"audio_duration", result->audio_seconds},
      {"frames", result->frames},
      {"fps", result->fps},
      {"resolution", {result->width, result->height}},
      {"file_size", result->file_size},
      {"elapsed_seconds", result->elapsed_seconds},
  };
  if (!result->captions_path.empty())
    line["captions_path"] = result->captions_path;
  std::cout << api::json_text(line) << std::endl;
  return exit_ok;
}

} // namespace

std::function<int()> add_render_command(CLI::App& app) {
  auto options = std::make_shared<render_options>();
  CLI::App* render = app.add_subcommand("render", "Render one video from narration audio and slide images");
  render->add_option("images", options->images, "Slide images in order (JPEG, PNG, BMP, GIF)");
  render->add_option("--audio", options->audio, "Narration audio (MP3, WAV, M4A, OGG/Opus, FLAC)");
  render->add_option("-o,--output", options->output, "Output MP4 path")->required();
  render->add_option("--spec", options->spec_file,
                     "JSON job file, same fields as the HTTP body; command-line options override it");
  render->add_option("--fps", options->fps, "Frames per second, 1..120 (default 24)");
  render->add_option("--resolution", options->resolution, "WIDTHxHEIGHT, even, 16x16..7680x4320 (default 1920x1080)");
  render->add_option("--slide-duration", options->slide_duration,
                     "Seconds per slide when not synced to the audio (default 3.0)");
  render->add_option("--transition-duration", options->transition_duration,
                     "Seconds of overlap between slides, at most half a slide (default 0.5)");
  render->add_option("--transition", options->transition, "crossfade (default), fadeblack or none");
  render->add_flag("--no-ken-burns", options->no_ken_burns, "Still slides, no zoom or pan");
  render->add_flag("--no-audio-sync", options->no_audio_sync,
                   "Slides last --slide-duration; the audio is trimmed or padded to fit");
  render->add_option("--zoom-factor", options->zoom_factor, "Ken Burns zoom, 1.0..4.0 (default 1.1)");
  render->add_option("--preset", options->preset, "x264 preset (default medium)");
  render->add_option("--crf", options->crf, "x264 CRF, 0..51 (default 20)");
  render->add_option("--lookahead", options->lookahead,
                     "x264 rc-lookahead frames, 0..60 (default 20: bounded memory per job)");
  render->add_option("--seed", options->seed, "Picks the pan directions; same seed, same video (default 0)");
  render->add_option("--threads", options->threads, "Render threads (default: one per core)");
  render->add_option("--max-image-megapixels", options->max_image_megapixels,
                     "Refuse source images above this size (default 64)");
  render->add_option("--captions", options->captions,
                     "Burn in captions from an .srt, .vtt or .json file (cues, or {\"words\": [...]} for a "
                     "karaoke highlight); an .srt is written beside the video");
  auto* text = render->add_option("--captions-text", options->captions_text,
                                  "Burn in this narration text, timed against the narration's pauses");
  render->add_option("--captions-text-file", options->captions_text_file,
                     "Like --captions-text, the text read from a UTF-8 file")
      ->excludes(text);
  render->add_option("--caption-style", options->caption_style,
                     "Caption look as JSON, e.g. '{\"size\":0.06,\"position\":\"center\",\"box\":true}' "
                     "(font, bold, size, color, highlight_color, outline_color, outline, box, box_color, position, "
                     "margin, max_lines, uppercase)");
  render->add_option("--max-job-memory-mb", options->max_job_memory_mb,
                     "Refuse a job whose memory estimate is larger (env MAX_JOB_MEMORY_MB, default 70% of memory)");
  return [render, options] {
    if (!render->parsed())
      return -1;
    return run_render(*options);
  };
}

} // namespace vs::app
