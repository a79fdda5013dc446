#pragma once
/// Every actor interface of the service in one place (VAST's system/actors.hpp).
/// Included only by actor .cpp files.
///
///   facade ──► job_coordinator ──spawns──► job_runner (one per running job)
///                    ▲                        │  ├─► job_preparer   (detached, one-shot: probe + narration)
///                    │                        │  ├─► caption_preparer (detached, one-shot: captions)
///                    └── progress/done/failed ┘  ├─► image_decoder pool  (detached workers)
///                                                ├─► frame_renderer pool (detached workers, shared by all jobs)
///                                                └─► video_sink     (detached, one per job: x264 + MP4)

#include "actors/messages.hpp"

#include <caf/replies_to.hpp>
#include <caf/timespan.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>
#include <caf/spawn_options.hpp>

namespace vs::actors {

/// Receives a snapshot of a job after every change the coordinator makes
/// (state, progress, result). The Redis writer subscribes with this.
using job_observer_actor = caf::typed_actor<
  // A job changed; the snapshot is the new state.
  caf::reacts_to<atom::state, jobs::job_snapshot>>;

/// Hands final job snapshots on to a callback (actors/webhook_observer).
using final_job_observer_actor = job_observer_actor::extend<
  // Answers once every snapshot that arrived before has been handed on.
  caf::replies_to<atom::flush>::with<bool>>;

/// The job table and admission control; the only place job state changes.
using job_coordinator_actor = caf::typed_actor<
  // Validates and queues a job, returns its id (errc::unavailable while shutting down).
  caf::replies_to<atom::submit, job_submission>::with<std::string>,
  // The current snapshot of a job (errc::not_found).
  caf::replies_to<atom::get, std::string>::with<jobs::job_snapshot>,
  // The most recent jobs, newest first, at most this many.
  caf::replies_to<atom::list, uint64_t>::with<std::vector<jobs::job_snapshot>>,
  // Cancels a queued or running job; answers once it is cancelled and its files are gone.
  caf::replies_to<atom::cancel, std::string>::with<jobs::job_snapshot>,
  // Answers when the job reaches a final state.
  caf::replies_to<atom::wait, std::string>::with<jobs::job_snapshot>,
  // Counters for /health and /metrics.
  caf::replies_to<atom::stats>::with<jobs::service_stats>,
  // Registers an observer of every job change.
  caf::reacts_to<atom::observe, job_observer_actor>,
  // Stops admitting, cancels the queue, gives running jobs `grace`, then
  // cancels them; answers with the number of jobs cancelled once none runs.
  caf::replies_to<atom::shutdown, caf::timespan>::with<int64_t>,
  // The shutdown grace period is over (sent to itself).
  caf::reacts_to<atom::abort>,
  // From a runner: id, frames encoded, frames total, frames rendered since the last report.
  caf::reacts_to<atom::progress, std::string, int64_t, int64_t, int64_t>,
  // From a chunk owner: the same, then chunks done and chunks in all.
  caf::reacts_to<atom::progress, std::string, int64_t, int64_t, int64_t, int32_t, int32_t>,
  // From a runner: the job succeeded.
  caf::reacts_to<atom::done, std::string, jobs::job_result>,
  // From a runner: the job failed or was cancelled.
  caf::reacts_to<atom::failed, std::string, caf::error>>;

/// Drives one job through its stages; spawned by the coordinator per running job.
using job_runner_actor = caf::typed_actor<
  // Stop issuing frames, abort the encoder, report errc::cancelled.
  caf::reacts_to<atom::cancel>,
  // From its chunk owner (a chunked job): the stitched result.
  caf::reacts_to<atom::done, jobs::job_result>,
  // From its chunk owner: the job failed or was cancelled; plan and segments are gone.
  caf::reacts_to<atom::failed, caf::error>>;

/// One-shot, detached: checks every image header, then encodes the narration.
using job_preparer_actor = caf::typed_actor<
  // The encoded narration (null without an audio path).
  caf::replies_to<atom::prepare, prepare_request>::with<audio_ptr>>;

/// One-shot, detached: reads the job's captions file, or times its captions
/// text against the narration, and lays the captions out.
using caption_preparer_actor = caf::typed_actor<
  // The laid-out captions (null without captions).
  caf::replies_to<atom::prepare, prepare_request>::with<captions_ptr>>;

/// Decodes a slide into its working image (a pool worker, or the pool itself).
using image_decoder_actor = caf::typed_actor<
  // The working image, shared read-only by every frame that shows it.
  caf::replies_to<atom::decode, decode_request>::with<media::slide_image>>;

/// Composes one frame into an encoder-ready buffer (a pool worker, or the pool itself).
using frame_renderer_actor = caf::typed_actor<
  // The same buffer, now holding the frame.
  caf::replies_to<atom::render, frame_request>::with<frame_result>>;

/// Detached, one per job: owns the x264 encoder, the MP4 writer and the
/// temporary output file.
using video_sink_actor = caf::typed_actor<
  // Opens encoder and file; answers with the temporary path.
  caf::replies_to<atom::start, encoder_setup>::with<std::string>,
  // Encodes the next frame (frames arrive in order) and hands the buffer back.
  caf::replies_to<atom::frame, frame_result>::with<frame_result>,
  // Drains the encoder, finishes the MP4 and renames it into place.
  caf::replies_to<atom::finish>::with<jobs::job_result>,
  // Drops everything and removes the temporary file.
  caf::replies_to<atom::abort>::with<bool>>;

// ---- Redis (actors/redis_*): all detached, each with its own connection ----
//
//   redis_intake ──claimed_task──► dependency_resolver ──submit──► job_coordinator
//        ▲  waiting/running/done        │ lease / failed                │ (state, snapshot)
//        └──────────────────────── redis_writer ◄──────────────────────┘
//   lease_keeper: heartbeat + reaper

/// Takes ids off `queue:video-service` (BLMOVE into this worker's processing
/// list) and claims them, as long as this worker has room.
using redis_intake_actor = caf::typed_actor<
  // Poll the queue once (sent to itself in a loop).
  caf::reacts_to<atom::tick>,
  // A claimed task waits for its dependencies: it holds no render slot.
  caf::reacts_to<atom::waiting, std::string>,
  // A claimed task was handed to the coordinator.
  caf::reacts_to<atom::running, std::string>,
  // A claimed task reached a final state or went back to the queue.
  caf::reacts_to<atom::done, std::string>,
  // Stop taking tasks.
  caf::replies_to<atom::shutdown>::with<bool>>;

/// Reads a claimed task and its dependencies; submits it once they are all
/// done, waits (re-checking with backoff) while any is running, fails it
/// when one failed or the wait timed out.
using dependency_resolver_actor = caf::typed_actor<
  // Where to report that a task waits or runs (the intake is spawned later).
  caf::reacts_to<atom::start, redis_intake_actor>,
  // Check (again) a claimed task.
  caf::reacts_to<atom::resolve, claimed_task>,
  // Hand every waiting task back to the queue and stop.
  caf::replies_to<atom::shutdown>::with<bool>>;

/// Mirrors job state into Redis: fenced progress/success/failure for Redis
/// tasks (retried while Redis is away), task hashes for HTTP jobs.
using redis_writer_actor = caf::typed_actor<
  // Where to report that a task is done (the intake is spawned later).
  caf::reacts_to<atom::start, redis_intake_actor>,
  // From the coordinator: a job changed.
  caf::reacts_to<atom::state, jobs::job_snapshot>,
  // A claimed task is about to be submitted: remember its token.
  caf::reacts_to<atom::lease, claimed_task>,
  // A claimed task failed before it could run (a vs::error through to_caf).
  caf::reacts_to<atom::failed, claimed_task, caf::error>,
  // A claimed task goes back on the queue (shutdown).
  caf::reacts_to<atom::release, claimed_task>,
  // Retry writes that failed (sent to itself).
  caf::reacts_to<atom::tick>,
  // From now on, cancelled tasks go back on the queue instead of failing.
  caf::replies_to<atom::shutdown>::with<bool>,
  // Answers once every pending write is made (or Redis stayed away too long).
  caf::replies_to<atom::flush>::with<bool>>;

/// Renews this worker's heartbeat and reaps dead workers' tasks.
using lease_keeper_actor = caf::typed_actor<
  // Heartbeat + reap (sent to itself every lease/3).
  caf::reacts_to<atom::tick>,
  // Remove the heartbeat (a clean exit) and stop.
  caf::replies_to<atom::shutdown>::with<bool>>;

} // namespace vs::actors
