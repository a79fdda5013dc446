// libFuzzer target: a chunked job's plan as a chunk worker reads it from
// Redis (jobs/spec_json, media/captions/layout_json), on any bytes. The
// plan is written by the job's owner, but a worker must not crash or
// allocate without bound on a plan a bug, an old version or a hand in Redis
// left malformed: every chunk worker that claims it would fall the same way.
// Input: the plan's spec text. Properties:
// - reading fails with a message, or gives a spec that writes back to text
//   that reads again to the same text (the plan is written once, read by
//   every chunk);
// - the same text read as the job store's record of a queued job's spec
//   (store/spec_record: the plan's fields and the owner's) or of a result
//   behaves the same way: refused with a message, or written back to text
//   that reads the same;
// - a caption layout beside a spec validate() accepts is refused with a
//   message, or accepted by check_layout_fits() for that spec's frames with
//   its events in order and apart, and writes back to text that reads the
//   same (the worker then draws it: its sizes are bounded by the spec's).

#include "fuzz/fuzz_check.hpp"
#include "jobs/spec_json.hpp"
#include "media/captions/layout_json.hpp"
#include "media/render_spec.hpp"
#include "store/snapshot_record.hpp"
#include "store/spec_record.hpp"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

namespace {

constexpr const char* target = "chunk_plan_fuzz";

/// The plan's spec if it reads and validate() accepts it.
std::optional<vs::media::render_spec> check_spec(const nlohmann::json& plan) {
  auto spec = vs::jobs::spec_from_json(plan);
  if (!spec) {
    if (spec.error().message.empty())
      vs::fuzz::fail(target, "a spec refused without a message");
    return std::nullopt;
  }
  const std::string written = vs::jobs::spec_to_json(*spec);
  auto again = vs::jobs::spec_from_json(written);
  if (!again)
    vs::fuzz::fail(target, "a spec it wrote does not read again: " + again.error().message + "\n" + written);
  if (vs::jobs::spec_to_json(*again) != written)
    vs::fuzz::fail(target, "a spec read back writes other text:\n" + written);
  vs::media::render_spec valid = *spec;
  valid.output_path = "fuzz.mp4";  // validate() asks for an output, as render_chunk gives it
  if (!vs::media::validate(valid, vs::media::render_limits{}))
    return std::nullopt;
  return valid;
}

/// `text` read with `read` is refused with a message, or written back by
/// `write` to text that reads the same.
template <typename Read, typename Write>
void check_record(const std::string& text, Read read, Write write, const std::string& what) {
  auto value = read(text);
  if (!value) {
    if (value.error().message.empty())
      vs::fuzz::fail(target, "a stored " + what + " refused without a message");
    return;
  }
  const std::string written = write(*value);
  auto again = read(written);
  if (!again || write(*again) != written)
    vs::fuzz::fail(target, "a stored " + what + " does not read back the same:\n" + written);
}

/// The job store's records, read from the same text.
void check_records(const std::string& text) {
  check_record(text, vs::store::spec_from_record, vs::store::spec_to_record, "spec");
  check_record(text, vs::store::result_from_record, vs::store::result_to_record, "result");
}

void check_layout(const nlohmann::json& plan, const vs::media::render_spec& spec) {
  auto found = plan.find("caption_layout");
  if (found == plan.end())
    return;
  auto layout = vs::media::captions::layout_from_json(*found);
  if (!layout) {
    if (layout.error().message.empty())
      vs::fuzz::fail(target, "a layout refused without a message");
    return;
  }
  const auto& read = **layout;
  auto fits = vs::media::captions::check_layout_fits(read, spec.width, spec.height, spec.fps);
  if (!fits) {
    if (fits.error().message.empty())
      vs::fuzz::fail(target, "a layout refused without a message");
    return;
  }
  int64_t previous_end = 0;
  for (const auto& event : read.events) {
    if (event.first_frame < previous_end || event.end_frame <= event.first_frame)
      vs::fuzz::fail(target, "an accepted layout has events out of order or empty");
    previous_end = event.end_frame;
  }
  const auto written = vs::media::captions::layout_to_json(read);
  auto again = vs::media::captions::layout_from_json(written);
  if (!again || vs::media::captions::layout_to_json(**again) != written)
    vs::fuzz::fail(target, "an accepted layout does not read back the same");
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const auto plan = nlohmann::json::parse(data, data + size, nullptr, false);
  if (plan.is_discarded() || !plan.is_object())
    return 0;
  if (auto spec = check_spec(plan))
    check_layout(plan, *spec);
  check_records(std::string(reinterpret_cast<const char*>(data), size));
  return 0;
}
