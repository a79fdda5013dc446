#include "actors/job_runner.hpp"

#include "actors/caf_error.hpp"
#include "actors/caption_preparer.hpp"
#include "actors/chunk_owner.hpp"
#include "actors/job_preparer.hpp"
#include "actors/video_sink.hpp"
#include "media/poster.hpp"
#include "media/slide_plan.hpp"

#include <caf/event_based_actor.hpp>
#include <caf/spawn_options.hpp>
#include <caf/stateful_actor.hpp>

#include <spdlog/spdlog.h>

#include <algorithm>

namespace vs::actors {

namespace {

using runner_ptr = job_runner_actor::stateful_pointer<job_runner_state>;

constexpr auto progress_interval = std::chrono::milliseconds(200);

void report_progress(runner_ptr self, bool force) {
  auto& st = self->state;
  auto now = std::chrono::steady_clock::now();
  if (!force && now - st.last_report < progress_interval)
    return;
  st.last_report = now;
  self->send(st.setup.coordinator, atom::progress_v, st.setup.job_id, st.encoded, st.total, st.rendered_since_report);
  st.rendered_since_report = 0;
}

/// Ends the job: tells the coordinator and quits. Answers still on their way
/// to this actor (rendered frames, slides) are dropped with it.
void end_with(runner_ptr self, caf::error failure) {
  auto& st = self->state;
  report_progress(self, true);
  self->send(st.setup.coordinator, atom::failed_v, st.setup.job_id, std::move(failure));
  self->quit();
}

void fail(runner_ptr self, caf::error failure) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.ended = true;
  st.cancelled->store(true);
  if (!st.sink) {
    end_with(self, std::move(failure));
    return;
  }
  // The sink drops its queued frames (the flag is up) and removes the
  // temporary file before it answers, so "cancelled" means "cleaned up".
  self->request(st.sink, std::chrono::seconds(10), atom::abort_v)
    .then([=](bool) { end_with(self, failure); },
          [=](caf::error&) { end_with(self, failure); });
}

frame_ptr take_buffer(runner_ptr self) {
  auto& st = self->state;
  if (!st.free_frames.empty()) {
    frame_ptr frame = std::move(st.free_frames.back());
    st.free_frames.pop_back();
    return frame;
  }
  if (st.allocated_frames >= st.setup.credits)
    return nullptr;
  auto allocated = media::video_frame::allocate(st.setup.spec.width, st.setup.spec.height);
  if (!allocated) {
    fail(self, to_caf(allocated.error()));
    return nullptr;
  }
  auto counters = st.setup.counters;
  int64_t alive = ++counters->frame_buffers;
  pipeline_counters::raise_peak(counters->peak_frame_buffers, alive);
  ++st.allocated_frames;
  return frame_ptr(new media::video_frame(std::move(*allocated)), [counters](media::video_frame* frame) {
    --counters->frame_buffers;
    delete frame;
  });
}

void pump(runner_ptr self);

/// No frame still to be issued shows `slide`.
bool slide_done(const job_runner_state& st, int slide) {
  return st.next_issue >= st.total || st.plan->timeline.last_frame_of(slide) < st.next_issue;
}

void request_slide(runner_ptr self, int slide) {
  auto& st = self->state;
  decode_request request{st.setup.spec.image_paths[static_cast<size_t>(slide)], st.plan->work,
                         media::image_limits_of(st.setup.limits), media::root_folders(st.setup.spec.input_roots)};
  request.look = media::look_of(st.setup.spec, slide);
  self->request(st.setup.decoders, caf::infinite, atom::decode_v, std::move(request))
    .then(
      [=](media::slide_image& image) {
        auto& s = self->state;
        // A slide whose frames were all issued while it was being decoded
        // is never needed: keeping it would hold it for the rest of the job.
        if (s.ended || slide_done(s, slide))
          return;
        s.slides[static_cast<size_t>(slide)] = std::move(image);
        int64_t resident = ++s.setup.counters->resident_slides;
        pipeline_counters::raise_peak(s.setup.counters->peak_resident_slides, resident);
        pump(self);
      },
      [=](caf::error& failure) { fail(self, std::move(failure)); });
}

/// The oldest slide still alive: held and not yet released, or read by a
/// frame being rendered. The window runs from here.
int oldest_live_slide(const job_runner_state& st) {
  int oldest = st.next_slide_release;
  if (!st.rendering.empty())
    oldest = std::min(oldest, st.rendering.begin()->second);
  return oldest;
}

void on_encoded(runner_ptr self, frame_result& result);

/// Sends the rendered frames that are next in line to the sink.
void feed_sink(runner_ptr self) {
  auto& st = self->state;
  if (!st.sink_ready)
    return;
  while (!st.reorder.empty() && st.reorder.begin()->first == st.next_encode) {
    frame_result next{st.next_encode, std::move(st.reorder.begin()->second)};
    st.reorder.erase(st.reorder.begin());
    ++st.next_encode;
    self->request(st.sink, caf::infinite, atom::frame_v, std::move(next))
      .then([=](frame_result& done) { on_encoded(self, done); },
            [=](caf::error& failure) { fail(self, std::move(failure)); });
  }
}

void on_rendered(runner_ptr self, frame_result& result) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.rendering.erase(result.index);
  ++st.rendered_since_report;
  st.reorder.emplace(result.index, std::move(result.frame));
  feed_sink(self);
  pump(self);  // the window may have moved on
}

void finish(runner_ptr self) {
  auto& st = self->state;
  st.finishing = true;
  self->request(st.sink, caf::infinite, atom::finish_v)
    .then(
      [=](jobs::job_result& result) {
        auto& s = self->state;
        s.ended = true;
        report_progress(self, true);
        self->send(s.setup.coordinator, atom::done_v, s.setup.job_id, std::move(result));
        self->quit();
      },
      [=](caf::error& failure) {
        self->state.finishing = false;
        fail(self, std::move(failure));
      });
}

void on_encoded(runner_ptr self, frame_result& result) {
  auto& st = self->state;
  if (st.ended)
    return;
  st.free_frames.push_back(std::move(result.frame));
  ++st.encoded;
  if (st.encoded == st.total) {
    finish(self);
    return;
  }
  report_progress(self, false);
  pump(self);
}

/// Issues every frame that has its slides and a free buffer; requests slides
/// a second of video ahead within the slide window and drops the ones no
/// frame still to be issued needs.
void pump(runner_ptr self) {
  auto& st = self->state;
  if (st.ended || !st.plan)
    return;
  const media::timeline& timeline = st.plan->timeline;
  const int slide_count = timeline.slide_count();
  for (;;) {
    // In-flight requests hold their own references; the runner lets go of a
    // slide as soon as every frame showing it has been issued. A slide still
    // being decoded is dropped on arrival (request_slide).
    while (st.next_slide_release < st.next_slide_request && slide_done(st, st.next_slide_release)) {
      auto& slide = st.slides[static_cast<size_t>(st.next_slide_release)];
      if (slide) {
        slide.reset();
        --st.setup.counters->resident_slides;
      }
      ++st.next_slide_release;
    }
    const int64_t horizon = std::min(st.total - 1, st.next_issue + st.lookahead);
    const int window_end = oldest_live_slide(st) + job_runner_state::slide_window;
    while (st.next_slide_request < slide_count && st.next_slide_request < window_end &&
           timeline.first_frame_of(st.next_slide_request) <= horizon)
      request_slide(self, st.next_slide_request++);

    if (st.next_issue >= st.total)
      return;
    media::frame_plan frame = timeline.plan(st.next_issue);
    const auto& first = st.slides[static_cast<size_t>(frame.first)];
    if (!first || (frame.second >= 0 && !st.slides[static_cast<size_t>(frame.second)]))
      return;  // waiting for a slide; its arrival pumps again
    frame_ptr buffer = take_buffer(self);
    if (!buffer)
      return;  // out of credits; an encoded frame pumps again
    frame_request request;
    request.plan = st.plan;
    request.index = st.next_issue;
    request.frame = frame;
    request.first = first;
    if (frame.second >= 0)
      request.second = st.slides[static_cast<size_t>(frame.second)];
    request.target = std::move(buffer);
    request.cancelled = st.cancelled;
    st.rendering.emplace(st.next_issue, frame.first);
    ++st.next_issue;
    pipeline_counters::raise_peak(st.setup.counters->peak_job_frames_in_flight, st.in_flight());
    self->request(st.setup.renderers, caf::infinite, atom::render_v, std::move(request))
      .then([=](frame_result& rendered) { on_rendered(self, rendered); },
            [=](caf::error& failure) { fail(self, std::move(failure)); });
  }
}

/// A long job on a worker with chunking: a chunk owner renders it across
/// the workers and answers with the stitched result (or the failure).
bool run_in_chunks(runner_ptr self, const media::timeline& timeline, std::optional<int64_t> poster,
                   audio_ptr& audio) {
  auto& st = self->state;
  if (!st.setup.chunking)
    return false;
  auto chunks = media::split_into_chunks(timeline.frame_count(), st.setup.spec.fps, st.setup.chunking->chunk_seconds);
  if (chunks.empty())
    return false;
  st.chunked = true;
  st.total = timeline.frame_count();
  report_progress(self, true);
  chunk_owner_setup setup;
  setup.settings = *st.setup.chunking;
  setup.job = chunked_job{st.setup.job_id, st.setup.owner_token, st.setup.spec, std::move(audio), std::move(chunks),
                          poster, st.captions};
  setup.coordinator = st.setup.coordinator;
  setup.runner = self;
  setup.cancelled = st.cancelled;
  self->spawn<caf::detached + caf::linked>(chunk_owner, std::move(setup));
  return true;
}

void on_prepared(runner_ptr self, audio_ptr audio) {
  auto& st = self->state;
  if (st.ended)
    return;
  const media::render_spec& spec = st.setup.spec;
  auto timeline = media::timeline_for(spec, audio ? std::optional<double>(audio->duration_seconds()) : std::nullopt);
  if (!timeline)
    return fail(self, to_caf(timeline.error()));
  if (timeline->frame_count() > st.setup.limits.max_output_frames)
    return fail(self, caf_error(errc::input_too_large, "the video would have " +
                                                          std::to_string(timeline->frame_count()) +
                                                          " frames, over the limit of " +
                                                          std::to_string(st.setup.limits.max_output_frames)));
  double seconds = static_cast<double>(timeline->frame_count()) / spec.fps;
  if (auto fits = media::check_job_memory(spec, st.setup.memory, seconds, st.setup.max_job_memory, "MAX_JOB_MEMORY_MB");
      !fits)
    return fail(self, to_caf(fits.error()));
  auto poster = media::poster_frame(spec, *timeline);
  if (!poster)
    return fail(self, to_caf(poster.error()));
  if (run_in_chunks(self, *timeline, *poster, audio))
    return;
  st.plan = std::make_shared<const media::render_plan>(media::make_render_plan(spec, *timeline, st.captions));
  st.total = timeline->frame_count();
  st.lookahead = spec.fps;
  st.slides.resize(static_cast<size_t>(timeline->slide_count()));
  report_progress(self, true);

  st.sink = self->spawn<caf::detached + caf::linked>(video_sink);
  encoder_setup setup;
  setup.settings.width = spec.width;
  setup.settings.height = spec.height;
  setup.settings.fps = spec.fps;
  setup.settings.preset = spec.preset;
  setup.settings.crf = spec.crf;
  setup.settings.threads = spec.encoder_threads;
  setup.settings.lookahead = spec.lookahead;
  setup.output_path = spec.output_path;
  setup.audio = std::move(audio);
  setup.captions = st.captions;
  setup.cancelled = st.cancelled;
  if (*poster) {
    setup.poster_frame = **poster;
    setup.poster_path = media::poster_path_for(spec.output_path);
  }
  self->request(st.sink, caf::infinite, atom::start_v, std::move(setup))
    .then(
      [=](const std::string& temporary) {
        auto& s = self->state;
        if (s.ended)
          return;
        spdlog::debug("job {}: writing {}", s.setup.job_id, temporary);
        s.sink_ready = true;
        feed_sink(self);
      },
      [=](caf::error& failure) { fail(self, std::move(failure)); });
  // Slides and frames start while the encoder opens.
  pump(self);
}

/// Plans the job once both the narration and the captions are ready.
void start_when_prepared(runner_ptr self) {
  auto& st = self->state;
  if (st.ended || !st.audio || !st.captions_ready)
    return;
  on_prepared(self, *st.audio);
}

} // namespace

job_runner_state::~job_runner_state() {
  if (setup.counters)
    for (const auto& slide : slides)
      if (slide)
        --setup.counters->resident_slides;
}

job_runner_actor::behavior_type job_runner(job_runner_actor::stateful_pointer<job_runner_state> self,
                                           runner_setup setup) {
  auto& st = self->state;
  st.setup = std::move(setup);
  // Whatever ends this actor, blocking stages still running see the flag.
  self->attach_functor([flag = st.cancelled] { flag->store(true); });

  const media::render_spec& spec = st.setup.spec;
  // When the slides set the length, the narration is trimmed or padded to it.
  prepare_request request{spec, st.setup.limits, media::fixed_audio_seconds(spec), st.cancelled,
                          st.setup.output_dir};
  auto preparer = self->spawn<caf::detached + caf::linked>(job_preparer);
  self->request(preparer, caf::infinite, atom::prepare_v, std::move(request))
    .then(
      [=](audio_ptr& audio) {
        self->state.audio = std::move(audio);
        start_when_prepared(self);
      },
      [=](caf::error& failure) { fail(self, std::move(failure)); });
  if (spec.captions.requested()) {
    st.captions_ready = false;
    auto captioner = self->spawn<caf::detached + caf::linked>(caption_preparer);
    prepare_request captions_request{spec, st.setup.limits, std::nullopt, st.cancelled};
    self->request(captioner, caf::infinite, atom::prepare_v, std::move(captions_request))
      .then(
        [=](captions_ptr& captions) {
          self->state.captions = std::move(captions);
          self->state.captions_ready = true;
          start_when_prepared(self);
        },
        [=](caf::error& failure) { fail(self, std::move(failure)); });
  }

  return {
    [=](atom::cancel) {
      auto& s = self->state;
      if (s.finishing)
        return;  // every frame is encoded: the result is about to exist
      if (s.chunked) {
        // The owner removes the plan and segments, then reports.
        s.cancelled->store(true);
        return;
      }
      fail(self, caf_error(errc::cancelled, "the job was cancelled"));
    },
    [=](atom::done, jobs::job_result& result) {
      auto& s = self->state;
      s.ended = true;
      s.encoded = s.total;
      report_progress(self, true);
      self->send(s.setup.coordinator, atom::done_v, s.setup.job_id, std::move(result));
      self->quit();
    },
    [=](atom::failed, caf::error& failure) {
      self->state.ended = true;
      end_with(self, std::move(failure));
    },
  };
}

} // namespace vs::actors
