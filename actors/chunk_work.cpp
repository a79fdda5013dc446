#include "actors/chunk_work.hpp"

#include "media/captions/caption_export.hpp"
#include "media/captions/layout_json.hpp"
#include "media/narration.hpp"
#include "media/poster.hpp"
#include "media/render_chunk.hpp"
#include "media/render_job.hpp"
#include "jobs/json_text.hpp"
#include "jobs/spec_json.hpp"
#include "redis/task_keys.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <thread>

namespace vs::actors {

namespace {

constexpr auto progress_interval = std::chrono::seconds(1);
constexpr auto poll_interval = std::chrono::milliseconds(200);
constexpr auto transient_retry = std::chrono::milliseconds(500);
/// The owner's plan outlives a lost owner long enough to be adopted.
constexpr auto plan_ttl = std::chrono::hours(24 * 7);

/// Runs a Redis call again while Redis is away ("not now"), up to `patience`.
template <class Call>
auto retrying(Call call, std::chrono::milliseconds patience) -> decltype(call()) {
  auto deadline = std::chrono::steady_clock::now() + patience;
  for (;;) {
    auto result = call();
    if (result || !redis::is_transient(result.error()) || std::chrono::steady_clock::now() >= deadline)
      return result;
    std::this_thread::sleep_for(transient_retry);
  }
}

/// The plan's spec text: the render spec (jobs/spec_json) and, for a
/// captioned job, the owner's prepared caption layout beside it, which
/// spec_from_json reads past.
std::string plan_spec_text(const chunked_job& job) {
  auto plan = jobs::spec_json_value(job.spec);
  if (job.captions)
    plan["caption_layout"] = media::captions::layout_to_json(*job.captions);
  return jobs::json_text(plan);
}

/// The caption layout a plan's spec carries (null: none), made for the
/// spec's frames: the painter sizes its buffers by the layout's numbers.
expected<std::shared_ptr<const media::captions::caption_layout>> plan_captions(const nlohmann::json& plan,
                                                                               const media::render_spec& spec) {
  auto found = plan.find("caption_layout");
  if (found == plan.end())
    return std::shared_ptr<const media::captions::caption_layout>();
  auto layout = media::captions::layout_from_json(*found);
  if (!layout)
    return layout.error();
  if (auto fits = media::captions::check_layout_fits(**layout, spec.width, spec.height, spec.fps); !fits)
    return fits.error();
  return layout;
}

/// Renders a claimed chunk and records the outcome under its token.
status render_claimed(redis::chunk_queue& queue, const redis::chunk_claim& claim, const chunk_settings& settings,
                      const std::atomic<bool>* stop) {
  const std::string id = redis::chunk_id(claim.job, claim.index);
  const auto patience = settings.lease * 2;
  auto fail_chunk = [&](const std::string& why) -> status {
    spdlog::warn("chunk {} failed: {}", id, why);
    auto failed = retrying([&] { return queue.fail(id, claim.token, why); }, patience);
    return failed ? status{} : status(failed.error());
  };
  // Parsed once: with captions the text carries their layout (up to megabytes).
  const auto plan = nlohmann::json::parse(claim.spec, nullptr, false);
  if (plan.is_discarded() || !plan.is_object())
    return fail_chunk("the chunk plan's spec is not valid: it is no JSON object");
  auto spec = jobs::spec_from_json(plan);
  if (!spec)
    return fail_chunk(spec.error().message);
  auto audio_seconds = jobs::seconds_from_text(claim.audio_seconds);
  if (!audio_seconds)
    return fail_chunk(audio_seconds.error().message);
  auto captions = plan_captions(plan, *spec);
  if (!captions)
    return fail_chunk(captions.error().message);
  const std::string path = segment_folder(settings.output_dir, claim.job) + "/" + std::to_string(claim.index) + "-f" +
                           claim.token + ".mp4";

  // Cancelled when this worker stops, or when Redis refuses a progress
  // write: the chunk was requeued, cancelled, or its job ended.
  std::atomic<bool> abandon{false};
  bool lease_lost = false;
  auto last_write = std::chrono::steady_clock::now();
  media::render_callbacks callbacks;
  callbacks.cancel = &abandon;
  callbacks.progress = [&](int64_t done, int64_t) {
    if (stop != nullptr && stop->load())
      abandon = true;
    auto now = std::chrono::steady_clock::now();
    if (now - last_write < progress_interval)
      return;
    last_write = now;
    auto written = queue.progress(id, claim.token, done);
    if (written && !*written) {
      lease_lost = true;
      abandon = true;
    }
  };
  spdlog::info("chunk {}: rendering frames [{}, {}) (attempt {})", id, claim.range.first, claim.range.end,
               claim.attempts);
  auto rendered = media::render_chunk(*spec, settings.limits, *audio_seconds, claim.range, path, callbacks, *captions);
  if (!rendered) {
    if (lease_lost) {
      spdlog::info("chunk {}: no longer ours (requeued, cancelled or its job ended); stopped", id);
      return {};
    }
    if (stop != nullptr && stop->load()) {
      auto released = retrying([&] { return queue.release(id, claim.token); }, patience);
      return released ? status{} : status(released.error());
    }
    return fail_chunk(rendered.error().message);
  }
  auto completed =
      retrying([&] { return queue.complete(id, claim.token, rendered->path, rendered->file_size); }, patience);
  if (!completed)
    return completed.error();
  if (!completed->landed()) {
    // A newer owner of the chunk records its own segment; this one is no use.
    std::error_code ignored;
    std::filesystem::remove(path, ignored);
    spdlog::info("chunk {}: rendered, but no longer ours; its segment is removed", id);
    return {};
  }
  ++*settings.chunks_rendered;
  spdlog::info("chunk {}: done in {:.1f} s", id, rendered->elapsed_seconds);
  return {};
}

void remove_segments(const chunk_settings& settings, const std::string& job) {
  std::error_code ignored;
  std::filesystem::remove_all(segment_folder(settings.output_dir, job), ignored);
}

/// The plan and segments go, unless a newer owner holds the job now.
void clean_up(redis::chunk_queue& queue, const chunk_settings& settings, const chunked_job& job) {
  auto cancelled = retrying([&] { return queue.cancel(job.id, job.owner_token); }, settings.lease);
  if (!cancelled) {
    spdlog::warn("job {}: cannot remove its chunk plan: {}", job.id, cancelled.error().message);
    return;
  }
  if (*cancelled)
    remove_segments(settings, job.id);
}

} // namespace

std::string segment_folder(const std::string& output_dir, const std::string& job) {
  return (std::filesystem::path(output_dir) / "video" / ".chunks" / job).string();
}

status render_popped_chunk(redis::chunk_queue& queue, const std::string& id, const chunk_settings& settings,
                           const std::atomic<bool>* stop) {
  auto claim = retrying([&] { return queue.claim(id); }, settings.lease);
  if (!claim)
    return claim.error();
  if (!claim->claimed) {
    spdlog::info("chunk {}: skipped: {}", id, claim->reason);
    return {};
  }
  return render_claimed(queue, *claim, settings, stop);
}

expected<bool> render_next_chunk(redis::chunk_queue& queue, const chunk_settings& settings,
                                 const std::atomic<bool>* stop) {
  auto id = queue.pop(std::chrono::milliseconds(0));
  if (!id)
    return id.error();
  if (!id->has_value())
    return false;
  if (auto rendered = render_popped_chunk(queue, **id, settings, stop); !rendered)
    return rendered.error();
  return true;
}

namespace {

/// The owner draws the poster frame itself, with the code and inputs the
/// chunk holding it drew it with, so the JPEG shows the encoded picture.
status write_poster(const chunk_settings& settings, const chunked_job& job, int64_t frame, const std::string& path,
                    const std::atomic<bool>* cancel) {
  auto slides = media::checked_timeline(job.spec, settings.limits, media::audio_seconds_of(job.audio));
  if (!slides)
    return slides.error();
  auto jpeg = media::render_poster_jpeg(job.spec, settings.limits, media::root_folders(job.spec.input_roots), *slides,
                                        frame, cancel, job.captions);
  if (!jpeg)
    return jpeg.error();
  return media::write_file_atomically(path, *jpeg);
}

} // namespace

expected<media::stitch_result> run_chunked_job(
    const chunk_settings& settings, const chunked_job& job,
    const std::function<void(int64_t frames, int64_t total, int chunks_done, int chunks)>& progress,
    const std::atomic<bool>* cancel) {
  redis::redis_client client(settings.endpoint);
  redis::chunk_queue queue(client, settings.worker_id);
  std::error_code made;
  std::filesystem::create_directories(segment_folder(settings.output_dir, job.id), made);
  if (made)
    return make_error(errc::io_error, "cannot create " + segment_folder(settings.output_dir, job.id) + ": " +
                                          made.message());
  auto planned = retrying(
      [&] {
        return queue.plan(job.id, job.owner_token, plan_spec_text(job),
                          jobs::seconds_to_text(job.audio ? std::optional<double>(job.audio->duration_seconds())
                                                           : std::nullopt),
                          job.chunks, std::chrono::duration_cast<std::chrono::seconds>(plan_ttl));
      },
      settings.lease);
  if (!planned)
    return planned.error();
  if (!planned->has_value())
    return make_error(errc::cancelled, "job " + job.id + " is owned by another worker now (its chunk plan)");
  const int64_t total = job.chunks.back().end;
  const int count = static_cast<int>(job.chunks.size());
  spdlog::info("job {}: {} frames in {} chunks", job.id, total, count);

  auto end_with = [&](error failure) -> expected<media::stitch_result> {
    clean_up(queue, settings, job);
    return failure;
  };
  std::vector<media::stitch_segment> segments;
  for (;;) {
    if (cancel != nullptr && cancel->load())
      return end_with(make_error(errc::cancelled, "the job was cancelled"));
    auto states = queue.states(job.id);
    if (!states) {
      if (!redis::is_transient(states.error()))
        return end_with(states.error());
      std::this_thread::sleep_for(transient_retry);
      continue;
    }
    if (!states->has_value()) {
      // Removed by its owner's cancel, or expired: the segments are no use.
      remove_segments(settings, job.id);
      return make_error(errc::cancelled, "job " + job.id + ": its chunk plan was removed");
    }
    int64_t frames = 0;
    int done = 0;
    for (size_t i = 0; i < (*states)->size(); ++i) {
      const auto& state = (**states)[i];
      if (state.failed())
        return end_with(make_error(errc::internal, "chunk " + std::to_string(i) + " of " + std::to_string(count) +
                                                       " failed: " + state.error));
      frames += state.frames;
      done += state.done() ? 1 : 0;
    }
    progress(frames, total, done, count);
    if (done == count) {
      for (size_t i = 0; i < job.chunks.size(); ++i)
        segments.push_back({(**states)[i].result_ref, job.chunks[i]});
      break;
    }
    // Waiting holds a render slot: use it on a chunk (ours or another job's).
    auto rendered = render_next_chunk(queue, settings, cancel);
    if (!rendered && !redis::is_transient(rendered.error()))
      spdlog::warn("job {}: rendering a chunk: {}", job.id, rendered.error().message);
    if (!rendered || !*rendered)
      std::this_thread::sleep_for(poll_interval);
  }
  // The poster and the captions first: a video in place always has them beside it.
  const std::string poster_path = job.poster_frame ? media::poster_path_for(job.spec.output_path) : std::string();
  if (job.poster_frame)
    if (auto poster = write_poster(settings, job, *job.poster_frame, poster_path, cancel); !poster)
      return end_with(poster.error());
  std::optional<media::captions::caption_export> srt;
  if (job.captions) {
    const double duration = static_cast<double>(total) / job.spec.fps;
    auto written = media::captions::caption_export::write(job.spec.output_path,
                                                          media::captions::format_srt(job.captions->cues, duration));
    status committed = written ? written->commit() : status(written.error());
    if (!committed) {
      std::error_code ignored;
      if (!poster_path.empty())
        std::filesystem::remove(poster_path, ignored);
      return end_with(committed.error());
    }
    srt.emplace(std::move(*written));
  }
  auto stitched = media::stitch_segments(segments, job.spec.fps, job.audio, job.spec.output_path, cancel);
  clean_up(queue, settings, job);
  if (!stitched) {
    std::error_code ignored;
    if (!poster_path.empty())
      std::filesystem::remove(poster_path, ignored);
    if (srt)
      srt->withdraw();
  }
  if (stitched)
    spdlog::info("job {}: stitched {} chunks in {:.2f} s", job.id, count, stitched->elapsed_seconds);
  return stitched;
}

} // namespace vs::actors
