#include "actors/dependency_resolver.hpp"

#include "actors/caf_error.hpp"
#include "jobs/job_request.hpp"
#include "redis/dependency_check.hpp"
#include "redis/video_task.hpp"

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace vs::actors {

namespace {

using resolver_ptr = dependency_resolver_actor::stateful_pointer<dependency_resolver_state>;

constexpr auto first_recheck = std::chrono::milliseconds(250);
constexpr auto max_recheck = std::chrono::milliseconds(2000);

void fail(resolver_ptr self, const claimed_task& task, const error& failure) {
  spdlog::warn("task {} failed: {}", task.id, failure.message);
  self->state.waiting.erase(task.id);
  self->send(self->state.writer, atom::failed_v, task, to_caf(failure));
}

/// `failure`'s code with `context` before its message.
error in_context(const std::string& context, const error& failure) {
  return make_error(failure.code, context + failure.message, failure.field);
}

/// params.callback_url when that field alone is valid (the rest of params
/// may not be): a task failing on a bad field still reports its failure.
std::string callback_url_of(const redis::video_task& task) {
  auto url = task.params.find("callback_url");
  if (url == task.params.end())
    return {};
  auto alone = jobs::apply_job_fields(nlohmann::json{{"callback_url", *url}}, media::render_spec{});
  return alone ? alone->callback_url : std::string();
}

/// Checks again later; Redis errors and unfinished dependencies both land here.
void recheck_later(resolver_ptr self, claimed_task task, const std::string& why) {
  auto& st = self->state;
  auto waited = std::chrono::steady_clock::now() - task.claimed_at;
  if (waited > st.config.dependency_timeout) {
    auto seconds = std::chrono::duration_cast<std::chrono::seconds>(st.config.dependency_timeout).count();
    return fail(self, task,
                make_error(errc::dependency_timeout, "still waiting for " + why + " after " + std::to_string(seconds) + " s"));
  }
  auto delay = std::min(max_recheck, first_recheck * (1 << std::min(task.checks, 4)));
  ++task.checks;
  st.waiting[task.id] = task;
  self->delayed_send(self, delay, atom::resolve_v, std::move(task));
}

expected<media::render_spec> spec_for(const redis::video_task& task, const redis::task_inputs& inputs,
                                      const redis::input_roots& roots) {
  // params is shared with the other services: their fields are ignored,
  // but a near miss of ours is most likely a typo worth a warning.
  for (const auto& hint : jobs::likely_misspellings(task.params))
    spdlog::warn("task {} params: {} is not a video field and is ignored", task.id, hint);
  auto spec = jobs::apply_job_fields(task.params, media::render_spec{});
  if (!spec)
    return make_error(spec.error().code, "task " + task.id + " params: " + spec.error().message, spec.error().field);
  spec->audio_path = inputs.audio_path;
  spec->image_paths = inputs.image_paths;
  // params.music_path resolves like the other inputs (a bare name under OUTPUT_DIR, then OUTPUT_DIR/music).
  if (!spec->music_path.empty()) {
    auto music = roots.locate(spec->music_path, "music", "task " + task.id + ": params.music_path");
    if (!music)
      return make_error(music.error().code, music.error().message, "music_path");
    spec->music_path = *music;
  }
  // A captions file is an input like the others: relative to OUTPUT_DIR
  // (then OUTPUT_DIR/text, where the narration's text lives) and inside the roots.
  if (!spec->captions.path.empty()) {
    auto captions = roots.locate(spec->captions.path, "text", "task " + task.id + ": params.captions");
    if (!captions)
      return make_error(captions.error().code, captions.error().message, "captions");
    spec->captions.path = *captions;
  }
  // Checked again on the files the render opens (a folder swapped for a
  // symlink after this check must not lead outside).
  spec->input_roots = roots.folders();
  // No narration at all: slide_duration sets the length.
  if (spec->audio_path.empty())
    spec->sync_to_audio = false;
  return spec;
}

void submit(resolver_ptr self, const claimed_task& task, media::render_spec spec) {
  auto& st = self->state;
  st.waiting.erase(task.id);
  // The writer learns the token before the coordinator's first snapshot.
  self->send(st.writer, atom::lease_v, task);
  self->request(st.coordinator, std::chrono::seconds(30), atom::submit_v,
                job_submission{std::move(spec), "redis", task.id, task.token})
    .then(
      [=](const std::string& id) {
        spdlog::info("task {} submitted", id);
        self->send(self->state.intake, atom::running_v, id);
      },
      [=](caf::error& failure) {
        auto why = from_caf(failure);
        // The same id still runs here: this worker lost the task's lease
        // while stalled, claimed it again, and the old render has not
        // stopped yet (it will, at its next refused progress write). Not
        // the task's fault: submit again shortly. The writer tells the two
        // jobs apart by their tag.
        if (why.code == errc::conflict)
          return recheck_later(self, task, "the previous render of task " + task.id + " to stop");
        // The job queue is full (HTTP jobs): not the task's fault either.
        if (why.code == errc::busy)
          return recheck_later(self, task, "room in the job queue");
        fail(self, task, why);
      });
}

/// For `params.captions: true`: the narration's own text becomes
/// captions_text (PROTOCOL.md, "Narration text"). Returns false when the
/// task was failed or will be checked again.
bool caption_narration(resolver_ptr self, const claimed_task& task, redis::video_task& run,
                       const std::map<std::string, std::optional<redis::field_map>>& dependencies) {
  auto& st = self->state;
  if (!redis::wants_narration_captions(run))
    return true;
  const std::string& voice = run.voice_track_id;
  auto found = dependencies.find(voice);
  if (voice.empty() || found == dependencies.end() || !found->second) {
    fail(self, task, make_error(errc::invalid_argument,
                                "task " + task.id + ": params.captions is true, but it has no voice track whose text "
                                "could be captioned (give captions_text instead)", "captions"));
    return false;
  }
  auto source = redis::narration_text_source_of(voice, *found->second);
  if (!source) {
    fail(self, task, in_context("task " + task.id + ": ", source.error()));
    return false;
  }
  std::string text = source->text;
  if (!source->text_task_id.empty()) {
    auto text_task = st.redis->queue().read(source->text_task_id);
    st.health->report(text_task);
    if (!text_task && redis::is_transient(text_task.error())) {
      recheck_later(self, task, "Redis (" + text_task.error().message + ")");
      return false;
    }
    if (!text_task) {
      fail(self, task, in_context("text task " + source->text_task_id + ": ", text_task.error()));
      return false;
    }
    auto read = redis::narration_text_of(source->text_task_id, *text_task, *st.roots,
                                         media::captions::caption_limits{}.max_text_bytes);
    if (!read) {
      fail(self, task, in_context("task " + task.id + ": ", read.error()));
      return false;
    }
    text = std::move(*read);
  }
  run.params.erase("captions");
  run.params["captions_text"] = std::move(text);
  return true;
}

void resolve(resolver_ptr self, claimed_task task) {
  auto& st = self->state;
  if (st.stopped) {
    self->send(st.writer, atom::release_v, task);
    return;
  }
  auto hash = st.redis->queue().read(task.id);
  st.health->report(hash);
  if (!hash && redis::is_transient(hash.error()))
    return recheck_later(self, std::move(task), "Redis (" + hash.error().message + ")");
  if (!hash)
    return fail(self, task, in_context("task " + task.id + ": ", hash.error()));
  if (!hash->has_value())
    return fail(self, task, make_error(errc::not_found, "task " + task.id + " disappeared from Redis"));
  auto parsed = redis::parse_video_task(task.id, **hash);
  if (!parsed)
    return fail(self, task, parsed.error());
  task.callback_url = callback_url_of(*parsed);

  std::map<std::string, std::optional<redis::field_map>> dependencies;
  for (const auto& id : redis::dependency_ids(*parsed)) {
    auto dependency = st.redis->queue().read(id);
    st.health->report(dependency);
    if (!dependency && redis::is_transient(dependency.error()))
      return recheck_later(self, std::move(task), "Redis (" + dependency.error().message + ")");
    if (!dependency)
      return fail(self, task, make_error(errc::dependency_failed, "dependency " + id + ": " + dependency.error().message));
    dependencies[id] = std::move(*dependency);
  }
  auto verdict = redis::check_dependencies(*parsed, dependencies, *st.roots);
  switch (verdict.outcome) {
    case redis::dependency_verdict::kind::failed:
      return fail(self, task, verdict.failure);
    case redis::dependency_verdict::kind::waiting:
      if (task.checks == 0) {
        spdlog::info("task {} waits for {}", task.id, verdict.waiting_on);
        self->send(st.intake, atom::waiting_v, task.id);
      }
      return recheck_later(self, std::move(task), verdict.waiting_on);
    case redis::dependency_verdict::kind::ready:
      break;
  }
  if (!caption_narration(self, task, *parsed, dependencies))
    return;
  auto spec = spec_for(*parsed, verdict.inputs, *st.roots);
  if (!spec)
    return fail(self, task, spec.error());
  submit(self, task, std::move(*spec));
}

} // namespace

dependency_resolver_actor::behavior_type
dependency_resolver(dependency_resolver_actor::stateful_pointer<dependency_resolver_state> self,
                    redis_worker_config config, std::shared_ptr<redis_health> health,
                    job_coordinator_actor coordinator, redis_writer_actor writer) {
  auto& st = self->state;
  st.redis = std::make_unique<redis::worker_connection>(config.endpoint, config.worker_id);
  st.roots = std::make_unique<redis::input_roots>(config.output_dir, config.media_roots);
  st.config = std::move(config);
  st.health = std::move(health);
  st.coordinator = std::move(coordinator);
  st.writer = std::move(writer);
  return {
    [=](atom::start, redis_intake_actor intake) { self->state.intake = std::move(intake); },
    [=](atom::resolve, claimed_task& task) {
      // A recheck for a task handed back at shutdown is stale: drop it.
      if (task.checks > 0 && self->state.waiting.count(task.id) == 0)
        return;
      resolve(self, std::move(task));
    },
    [=](atom::shutdown) {
      auto& state = self->state;
      state.stopped = true;
      for (const auto& [id, task] : state.waiting)
        self->send(state.writer, atom::release_v, task);
      state.waiting.clear();
      return true;
    },
  };
}

} // namespace vs::actors
