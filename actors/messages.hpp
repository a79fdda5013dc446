#pragma once
/// Everything that travels between the service's actors: the atoms of the
/// protocol and the payload types. Included only by actor .cpp files (CAF
/// headers are heavy; the rest of the service sees jobs::job_service).
///
/// Payloads are plain structs whitelisted with CAF_ALLOW_UNSAFE_MESSAGE_TYPE:
/// none of them is ever serialized, they never leave the process. Big
/// payloads (slide images, frame buffers, the encoded narration, the render
/// plan) travel as shared_ptr so a message costs a pointer copy, never a
/// picture copy.

#include "jobs/job_service.hpp"
#include "media/audio_encode.hpp"
#include "media/captions/caption_layout.hpp"
#include "media/fit_compose.hpp"
#include "media/frame_composer.hpp"
#include "media/image_decode.hpp"
#include "media/render_spec.hpp"
#include "media/slide_cache.hpp"
#include "media/timeline.hpp"
#include "media/video_encoder.hpp"
#include "media/working_image.hpp"
#include "media/yuv.hpp"

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/type_id.hpp>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace vs::actors {

/// A request to run one job; HTTP and the Redis intake both send this.
struct job_submission {
  media::render_spec spec;        ///< validated by the coordinator; output_path is chosen there
  std::string source = "http";    ///< "http" or "redis": who asked, kept in the snapshot
  std::string external_id;        ///< e.g. the Redis task id; becomes the job id when set
  std::string tag;                ///< echoed in every snapshot: tells a re-claimed task's job from an older one
};

/// Shared, immutable facts about one running job that every frame request
/// points at: the render plan (camera paths, timeline, sizes).
using plan_ptr = std::shared_ptr<const media::render_plan>;
/// An encoder-ready frame buffer. Mutable on purpose: exactly one actor holds
/// it at a time (runner → renderer → runner → encoder → runner), so handing it
/// on is a transfer of ownership by convention.
using frame_ptr = std::shared_ptr<media::video_frame>;
using audio_ptr = std::shared_ptr<const media::encoded_audio>;
/// A job's captions laid out (null: none), shared by its frames and its sink.
using captions_ptr = std::shared_ptr<const media::captions::caption_layout>;
/// A flag the runner raises on cancel; blocking stages poll it.
using cancel_flag = std::shared_ptr<std::atomic<bool>>;

/// Decode one slide into its working image.
struct decode_request {
  std::string path;
  media::working_size size;
  media::image_decode_limits limits;
  media::root_folders roots;    ///< the job's input roots, checked on the opened file
  media::slide_look look{};     ///< the slide's fit and background (media/fit_compose)
};

/// Render frame `index` of a job into `target`.
struct frame_request {
  plan_ptr plan;
  int64_t index = 0;
  media::frame_plan frame;
  media::slide_image first;
  media::slide_image second;    ///< null for a single-slide frame
  frame_ptr target;
  cancel_flag cancelled;
};

/// A finished (rendered or encoded) frame and its buffer, handed back.
struct frame_result {
  int64_t index = 0;
  frame_ptr frame;
};

/// Check the images, then encode the narration.
struct prepare_request {
  media::render_spec spec;
  media::render_limits limits;
  std::optional<double> fixed_audio_seconds;  ///< trim/pad the narration to this length
  cancel_flag cancelled;
  /// OUTPUT_DIR: the job's inputs in its uploads folder are touched as the
  /// job starts (jobs/upload_folder), so no worker's sweep collects them meanwhile.
  std::string output_dir = {};
};

/// Open the encoder and the MP4 file for one job.
struct encoder_setup {
  media::video_encoder_settings settings;
  std::string output_path;      ///< the final path; the encoder writes beside it and renames
  audio_ptr audio;              ///< null: a silent video
  captions_ptr captions;        ///< null: no .srt beside the video
  cancel_flag cancelled;
  int64_t poster_frame = -1;    ///< the frame written as the poster JPEG; -1: none
  std::string poster_path;      ///< where it goes (beside the video)
};

/// A Redis task this worker claimed, travelling intake → resolver → writer.
/// The token fences every later write: if another worker reclaimed the task
/// meanwhile, writes with this token are refused by Redis.
struct claimed_task {
  std::string id;
  std::string token;
  int64_t attempts = 0;
  std::chrono::steady_clock::time_point claimed_at = std::chrono::steady_clock::now();
  int checks = 0;                ///< dependency checks so far (for the backoff)
  /// params.callback_url once the task was read and that field is valid:
  /// where a failure before the task becomes a job is reported.
  std::string callback_url;
};

} // namespace vs::actors

// None of these is ever serialized: they never leave the process.
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::job_submission)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::decode_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::frame_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::frame_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::prepare_request)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::encoder_setup)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::claimed_task)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::audio_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::actors::captions_ptr)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::media::slide_image)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::jobs::job_snapshot)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(std::vector<vs::jobs::job_snapshot>)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::jobs::job_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(vs::jobs::service_stats)

CAF_BEGIN_TYPE_ID_BLOCK(vs, caf::first_custom_type_id)

  // coordinator
  CAF_ADD_ATOM(vs, vs::atom, submit, "submit")
  CAF_ADD_ATOM(vs, vs::atom, get, "get")
  CAF_ADD_ATOM(vs, vs::atom, list, "list")
  CAF_ADD_ATOM(vs, vs::atom, cancel, "cancel")
  CAF_ADD_ATOM(vs, vs::atom, wait, "wait")
  CAF_ADD_ATOM(vs, vs::atom, stats, "stats")
  CAF_ADD_ATOM(vs, vs::atom, observe, "observe")
  CAF_ADD_ATOM(vs, vs::atom, shutdown, "shutdown")
  CAF_ADD_ATOM(vs, vs::atom, progress, "progress")
  CAF_ADD_ATOM(vs, vs::atom, done, "done")
  CAF_ADD_ATOM(vs, vs::atom, failed, "failed")
  CAF_ADD_ATOM(vs, vs::atom, state, "state")
  CAF_ADD_ATOM(vs, vs::atom, tick, "tick")
  // pipeline stages
  CAF_ADD_ATOM(vs, vs::atom, start, "start")
  CAF_ADD_ATOM(vs, vs::atom, prepare, "prepare")
  CAF_ADD_ATOM(vs, vs::atom, decode, "decode")
  CAF_ADD_ATOM(vs, vs::atom, render, "render")
  CAF_ADD_ATOM(vs, vs::atom, frame, "frame")
  CAF_ADD_ATOM(vs, vs::atom, finish, "finish")
  CAF_ADD_ATOM(vs, vs::atom, abort, "abort")
  // Redis
  CAF_ADD_ATOM(vs, vs::atom, resolve, "resolve")
  CAF_ADD_ATOM(vs, vs::atom, lease, "lease")
  CAF_ADD_ATOM(vs, vs::atom, release, "release")
  CAF_ADD_ATOM(vs, vs::atom, flush, "flush")
  CAF_ADD_ATOM(vs, vs::atom, waiting, "waiting")
  CAF_ADD_ATOM(vs, vs::atom, running, "running")

CAF_END_TYPE_ID_BLOCK(vs)
