// libFuzzer target: the Range header planner (api/http_range) and the 206
// body layout (api/byte_range_body) on any header and any file size.
// Input: 8 bytes of file size (little endian; shorter inputs give a small
// size), then the header value. Every plan must keep the promises
// http_range.hpp makes, or the target aborts.

#include "api/byte_range_body.hpp"
#include "api/http_range.hpp"

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

namespace {

void require(bool condition) {
  if (!condition)
    std::abort();
}

uint64_t size_from(const uint8_t* data, size_t size) {
  uint64_t value = 0;
  for (size_t i = 0; i < 8 && i < size; ++i)
    value |= static_cast<uint64_t>(data[i]) << (8 * i);
  // Mostly small files (where ranges overlap the end), sometimes huge ones.
  return (value & 1) ? value >> 1 : (value >> 1) % 4096;
}

void check_plan(const vs::api::range_plan& plan, uint64_t file_size, const vs::api::range_limits& limits) {
  using vs::api::range_outcome;
  if (plan.outcome != range_outcome::partial) {
    require(plan.ranges.empty());
    return;
  }
  require(!plan.ranges.empty());
  require(plan.ranges.size() <= limits.max_parts);
  uint64_t total = 0;
  for (size_t i = 0; i < plan.ranges.size(); ++i) {
    const auto& range = plan.ranges[i];
    require(range.first <= range.last);
    require(range.last < file_size);
    total += range.length();
    for (size_t j = 0; j < i; ++j) {
      const auto& other = plan.ranges[j];
      // Disjoint and not adjacent: coalescing left nothing to merge.
      require(range.last + 1 < other.first || other.last + 1 < range.first);
    }
  }
  require(total <= file_size);
  auto body = vs::api::make_range_body(plan.ranges, file_size, "video/mp4", "fuzz-boundary");
  uint64_t sum = 0;
  uint64_t file_bytes = 0;
  for (const auto& piece : body.pieces) {
    sum += piece.length();
    if (piece.file_length > 0) {
      require(piece.file_offset + piece.file_length <= file_size);
      file_bytes += piece.file_length;
    }
  }
  require(sum == body.length);
  require(file_bytes == total);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const uint64_t file_size = size_from(data, size);
  std::string_view header;
  if (size > 8)
    header = std::string_view(reinterpret_cast<const char*>(data + 8), size - 8);
  vs::api::range_limits limits;
  check_plan(vs::api::plan_ranges(header, file_size, limits), file_size, limits);
  // Tight limits reach the "too many" paths with short inputs.
  vs::api::range_limits tight{4, 2};
  check_plan(vs::api::plan_ranges(header, file_size, tight), file_size, tight);
  return 0;
}
