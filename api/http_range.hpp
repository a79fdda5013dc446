#pragma once
/// Range requests for one file of known size (RFC 9110 §14), decided here
/// rather than by cpp-httplib: httplib 0.11 answers 416 for any Range it
/// cannot parse (on every route), refuses `bytes=0-99999999999999999999`,
/// and builds one part per range however many copies a header repeats.
///
/// What this parser does, with the RFC's words:
/// - a unit other than `bytes` (compared case-insensitively, §14.1) is
///   ignored: "An origin server MUST ignore a Range header field that
///   contains a range unit it does not understand" (§14.2);
/// - an invalid ranges-specifier (bad syntax, or an int-range whose last-pos
///   is less than its first-pos, §14.1.1) is ignored and the whole file is
///   sent: a server "MAY ignore or reject a Range header field that contains
///   an invalid ranges-specifier" (§14.2); ignoring is what keeps answers
///   cacheable and what most origin servers do;
/// - positions beyond 64 bits or beyond the end are clamped: a last-pos at
///   or past the end means "the remainder of the representation" (§14.1.2),
///   a suffix longer than the file means the whole file;
/// - a range set none of whose ranges overlaps the file is unsatisfiable:
///   416 with `Content-Range: bytes */SIZE` (§14.1.1, §15.5.17);
/// - overlapping and adjacent ranges are coalesced (§14.6 allows it
///   "regardless of the order in which the corresponding range-spec
///   appeared"), the parts keep the order of their first range-spec, and
///   more than `max_parts` parts, or more than `max_specs` range-specs, make
///   the header ignored (§14.2: "many small ranges" are a denial-of-service
///   sign, Appendix C of RFC 9110). So a part list never adds up to more
///   bytes than the file.

#include <cstdint>
#include <string_view>
#include <vector>

namespace vs::api {

/// An inclusive byte interval [first, last] of a file.
struct byte_range {
  uint64_t first = 0;
  uint64_t last = 0;
  uint64_t length() const { return last - first + 1; }
  bool operator==(const byte_range& other) const { return first == other.first && last == other.last; }
};

enum class range_outcome {
  full,           ///< no usable Range: 200 with the whole file
  partial,        ///< 206 with `ranges` (one: a single part; more: multipart/byteranges)
  unsatisfiable,  ///< 416 with Content-Range: bytes */size
};

struct range_plan {
  range_outcome outcome = range_outcome::full;
  std::vector<byte_range> ranges;  ///< partial only: disjoint, not adjacent, each inside the file
};

struct range_limits {
  size_t max_specs = 256;  ///< range-specs (and empty list elements) read from one header
  size_t max_parts = 16;   ///< parts after coalescing
};

/// `header` is the Range field value; `size` the file's length in bytes.
range_plan plan_ranges(std::string_view header, uint64_t size, const range_limits& limits = {});

} // namespace vs::api
