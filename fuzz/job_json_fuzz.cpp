/// The job body as every entry point reads it (POST /jobs and /generateVideo,
/// `render --spec`, a Redis task's params): parse, apply the fields, validate,
/// plan the timeline, and the error answer a refused client gets.

#include "api/http_errors.hpp"
#include "jobs/job_request.hpp"
#include "fuzz/fuzz_check.hpp"
#include "media/render_spec.hpp"
#include "media/timeline.hpp"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>

namespace {

constexpr const char* target = "job_json_fuzz";

/// Bad input is the caller's fault: a 4xx with a message, and an error body
/// that serialises (dump() throws on invalid UTF-8 in an echoed value).
void check_refusal(const vs::error& refusal) {
  int status = vs::api::http_status_for(refusal.code);
  if (status < 400 || status >= 500)
    vs::fuzz::fail(target, "input refused with HTTP " + std::to_string(status) + ": " + refusal.message);
  if (refusal.message.empty())
    vs::fuzz::fail(target, std::string("refusal without a message, code ") + vs::to_string(refusal.code));
  (void)vs::api::error_body(refusal);
}

/// An accepted job's timeline, for a very short, a typical and the longest
/// narration: the arithmetic that turns outside numbers into frame indices.
void plan_timelines(const vs::media::render_spec& spec) {
  for (double audio_seconds : {0.01, 4.0, vs::media::render_limits{}.max_audio_seconds}) {
    auto timeline = vs::media::timeline_for(spec, audio_seconds);
    if (!timeline) {
      check_refusal(timeline.error());
      continue;
    }
    if (timeline->frame_count() < 1)
      vs::fuzz::fail(target, "an accepted job has a timeline without frames");
    for (int64_t frame : {int64_t{0}, timeline->frame_count() / 2, timeline->frame_count() - 1}) {
      auto plan = timeline->plan(frame);
      if (plan.first < 0 || plan.first >= timeline->slide_count() || plan.second >= timeline->slide_count())
        vs::fuzz::fail(target, "frame " + std::to_string(frame) + " shows a slide that does not exist");
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  auto body = vs::jobs::parse_json_object(text);
  if (!body) {
    check_refusal(body.error());
    return 0;
  }
  auto spec = vs::jobs::apply_job_fields(*body, vs::media::render_spec{});
  if (!spec) {
    check_refusal(spec.error());
    return 0;
  }
  spec->output_path = "fuzz.mp4";  // the service picks it; validate wants one
  if (auto valid = vs::media::validate(*spec, vs::media::render_limits{}); !valid) {
    check_refusal(valid.error());
    return 0;
  }
  plan_timelines(*spec);
  return 0;
}
