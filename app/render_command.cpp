#include "app/render_command.hpp"

#include "jobs/caption_fields.hpp"
#include "jobs/job_request.hpp"
#include "jobs/json_text.hpp"
#include "app/exit_codes.hpp"
#include "app/malloc_policy.hpp"
#include "app/service_config.hpp"
#include "media/memory_estimate.hpp"
#include "media/render_job.hpp"
#include "media/slide_cache.hpp"
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
  std::string music;
  std::optional<double> music_volume;
  std::optional<double> music_fade;
  std::optional<double> ducking;
  std::optional<double> loudness;
  bool no_loudness = false;
  std::optional<std::string> captions;
  std::optional<std::string> captions_text;
  std::optional<std::string> captions_text_file;
  std::optional<std::string> caption_style;
  std::optional<std::string> max_job_memory_mb;  ///< strict text, as `serve` reads it
  std::optional<std::string> fit;
  std::optional<std::string> background;
  std::optional<std::string> poster;             ///< "" (the flag alone): the default time
};

bool is_number(const std::string& text) {
  char* end = nullptr;
  std::strtod(text.c_str(), &end);
  return !text.empty() && end != text.c_str() && *end == '\0';
}

/// `--poster` takes an optional TIME, so in `--poster a.png b.png` the
/// parser hands it the first image: put that back among the images, where
/// it stood on the command line.
void return_poster_image(const CLI::App& render, render_options& options) {
  if (!options.poster || options.poster->empty() || is_number(*options.poster))
    return;
  const CLI::Option* images = render.get_option("images");
  const CLI::Option* poster = render.get_option("--poster");
  size_t before = 0;
  for (const CLI::Option* parsed : render.parse_order()) {
    if (parsed == poster)
      break;
    before += parsed == images ? 1 : 0;
  }
  options.images.insert(options.images.begin() + static_cast<std::ptrdiff_t>(std::min(before, options.images.size())),
                        *options.poster);
  options.poster = std::string();
}

/// --fit, --background, --transition and --poster onto `spec`.
status apply_picture_options(const render_options& options, media::render_spec& spec) {
  if (options.fit) {
    auto fit = media::parse_fit(*options.fit, "--fit");
    if (!fit)
      return fit.error();
    spec.pictures.fit = *fit;
  }
  if (options.background) {
    auto color = media::parse_color(*options.background, "--background");
    if (!color)
      return color.error();
    spec.pictures.background = *color;
  }
  if (options.transition) {
    auto choice = media::parse_transition_choice(*options.transition, "--transition");
    if (!choice)
      return choice.error();
    spec.pictures.random_transition = choice->random;
    if (!choice->random)
      spec.transition = choice->kind;
  }
  if (options.poster) {
    spec.pictures.poster = true;
    spec.pictures.poster_time.reset();
    if (!options.poster->empty())
      spec.pictures.poster_time = std::strtod(options.poster->c_str(), nullptr);
  }
  return {};
}

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
    auto style = jobs::parse_caption_style(value, captions.style);
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
    auto body = jobs::parse_json_object(text.str());
    if (!body)
      return make_error(errc::malformed_request, "spec file " + options.spec_file + ": " + body.error().message);
    // The same body as over HTTP, refused the same way; output_path is -o.
    if (body->contains("output_path"))
      return make_error(errc::invalid_argument,
                        "spec file " + options.spec_file + ": output_path is given with -o, not in the spec",
                        "output_path");
    if (auto known = jobs::check_known_fields(*body); !known)
      return make_error(known.error().code, "spec file " + options.spec_file + ": " + known.error().message,
                        known.error().field);
    auto applied = jobs::apply_job_fields(*body, spec);
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
    auto size = jobs::parse_resolution(nlohmann::json(*options.resolution));
    if (!size)
      return size.error();
    spec.width = size->first;
    spec.height = size->second;
  }
  if (options.slide_duration)
    spec.slide_duration = *options.slide_duration;
  if (options.transition_duration)
    spec.transition_duration = *options.transition_duration;
  if (auto pictures = apply_picture_options(options, spec); !pictures)
    return pictures.error();
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
  if (!options.music.empty())
    spec.music_path = options.music;
  if (options.music_volume)
    spec.music_volume = *options.music_volume;
  if (options.music_fade)
    spec.music_fade = *options.music_fade;
  if (options.ducking)
    spec.ducking = *options.ducking;
  if (options.loudness)
    spec.loudness = *options.loudness;
  if (options.no_loudness)
    spec.loudness.reset();
  if (auto captions = apply_caption_options(options, spec.captions); !captions)
    return captions.error();
  return spec;
}

/// The pipeline of media::render_video as the estimate sees it: `threads`
/// render threads over a ring of 2 × threads + 2 frames, a slide cache
/// holding at most its window of slides (frames start only when their
/// slides are in it), and as many image decodes at once as render threads,
/// at most one per slide of the window, each within `limits`.
media::memory_context render_memory_context(const media::render_spec& spec, const media::render_limits& limits) {
  media::memory_context context;
  context.hardware_threads = media::machine_threads();
  context.render_threads = spec.render_threads > 0 ? spec.render_threads : media::machine_threads();
  context.frames_in_flight = 2 * context.render_threads + 2;
  context.resident_slides = media::slide_cache::default_window;
  context.image_decodes = std::min(context.render_threads, media::slide_cache::default_window);
  context.image_decode_bytes = media::image_decode_bytes(limits);
  return context;
}

/// The render's limits with the decodes' share of `memory_limit` set.
media::render_limits with_decode_share(const media::render_spec& spec, media::render_limits limits,
                                       int64_t memory_limit) {
  return media::with_decode_share(limits, render_memory_context(spec, limits).image_decodes, memory_limit);
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

/// Refuses a job that cannot fit `memory_limit` before any input is read,
/// as `serve` does at submit; the narration's length is not known yet, so
/// only a fixed one counts.
status check_memory(const media::render_spec& spec, const media::render_limits& limits, int64_t memory_limit) {
  if (auto valid = media::validate(spec, limits); !valid)
    return valid.error();
  return media::check_job_memory(spec, render_memory_context(spec, limits),
                                 media::fixed_audio_seconds(spec).value_or(0.0), memory_limit, "MAX_JOB_MEMORY_MB");
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
  // As serve does: the peak RSS of a render is its live working set.
  limit_malloc_retention();
  auto spec = build_spec(options);
  if (!spec) {
    std::cerr << "video-service render: " << spec.error().message << "\n";
    return exit_code_for(spec.error());
  }
  auto memory_limit = max_job_memory(options);
  if (!memory_limit) {
    std::cerr << "video-service render: " << memory_limit.error().message << "\n";
    return exit_code_for(memory_limit.error());
  }
  media::render_limits limits;
  limits.max_image_pixels = static_cast<int64_t>(options.max_image_megapixels * 1e6);
  limits = with_decode_share(*spec, limits, *memory_limit);
  if (auto fits = check_memory(*spec, limits, *memory_limit); !fits) {
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
  if (!result->poster_path.empty())
    line["poster_path"] = result->poster_path;
  if (!result->captions_path.empty())
    line["captions_path"] = result->captions_path;
  std::cout << jobs::json_text(line) << std::endl;
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
  render->add_option("--transition", options->transition,
                     "crossfade (default), fadeblack, fadewhite, none, slideleft, slideright, slideup, slidedown, "
                     "wipeleft, wiperight, wipeup, wipedown, zoom, circle, or random (drawn per boundary from --seed)");
  render->add_option("--fit", options->fit,
                     "cover (default: crop to fill), contain (whole picture on bars of --background) or blur (whole "
                     "picture over a blurred, darkened fill of itself)");
  render->add_option("--background", options->background,
                     "#RRGGBB: bars of contain, and what shows through transparent pictures (default #000000)");
  render->add_option("--poster", options->poster,
                     "Write a JPEG of one frame beside the video (NAME.jpg): at TIME seconds, or by default the "
                     "middle of the first slide")
      ->expected(0, 1)
      ->type_name("[TIME]");
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
  render->add_option("--music", options->music,
                     "Music bed under the narration (any audio format), looped or cut to the video");
  render->add_option("--music-volume", options->music_volume,
                     "Music loudness relative to the voice in dB, -60..6 (default -18)");
  render->add_option("--music-fade", options->music_fade, "Music fade-in and fade-out in seconds, 0..30 (default 1)");
  render->add_option("--ducking", options->ducking,
                     "dB the music drops while the voice speaks, 0..40 (default 10; 0: no ducking)");
  auto* loudness = render->add_option("--loudness", options->loudness,
                                      "Integrated loudness of the result in LUFS, -40..-5, true peak <= -1 dBTP "
                                      "(default -14)");
  render->add_flag("--no-loudness", options->no_loudness, "Leave the audio levels as they are")->excludes(loudness);
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
    return_poster_image(*render, *options);
    return run_render(*options);
  };
}

} // namespace vs::app
