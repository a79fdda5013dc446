#include "api/http_range.hpp"

#include "api/decimal_text.hpp"

#include <algorithm>
#include <limits>
#include <optional>

namespace vs::api {

namespace {

constexpr uint64_t to_the_end = std::numeric_limits<uint64_t>::max();

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front()))
    text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back()))
    text.remove_suffix(1);
  return text;
}

bool equals_ignoring_case(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return (x >= 'A' && x <= 'Z' ? x - 'A' + 'a' : x) == (y >= 'A' && y <= 'Z' ? y - 'A' + 'a' : y);
         });
}

struct range_spec {
  bool suffix = false;
  uint64_t first = 0;
  uint64_t last = to_the_end;
  uint64_t suffix_length = 0;
};

/// int-range = first-pos "-" [ last-pos ]; suffix-range = "-" suffix-length.
std::optional<range_spec> parse_spec(std::string_view text) {
  auto dash = text.find('-');
  if (dash == std::string_view::npos)
    return std::nullopt;
  range_spec spec;
  if (dash == 0) {
    auto length = parse_decimal_saturating(text.substr(1));
    if (!length)
      return std::nullopt;
    spec.suffix = true;
    spec.suffix_length = *length;
    return spec;
  }
  auto first = parse_decimal_saturating(text.substr(0, dash));
  if (!first)
    return std::nullopt;
  spec.first = *first;
  if (dash + 1 < text.size()) {
    auto last = parse_decimal_saturating(text.substr(dash + 1));
    if (!last || *last < *first)
      return std::nullopt;
    spec.last = *last;
  }
  return spec;
}

/// The part of the file `spec` selects, if it overlaps the file at all.
std::optional<byte_range> clamp_to_file(const range_spec& spec, uint64_t size) {
  if (size == 0)
    return std::nullopt;
  if (spec.suffix) {
    if (spec.suffix_length == 0)
      return std::nullopt;
    return byte_range{size - std::min(spec.suffix_length, size), size - 1};
  }
  if (spec.first >= size)
    return std::nullopt;
  return byte_range{spec.first, std::min(spec.last, size - 1)};
}

/// Merges overlapping and adjacent ranges; each merged part keeps the
/// position of the earliest range in it.
std::vector<byte_range> coalesce(const std::vector<byte_range>& ranges) {
  struct ordered {
    byte_range range;
    size_t order;
  };
  std::vector<ordered> items;
  for (size_t i = 0; i < ranges.size(); ++i)
    items.push_back({ranges[i], i});
  std::sort(items.begin(), items.end(),
            [](const ordered& a, const ordered& b) { return a.range.first < b.range.first; });
  std::vector<ordered> merged;
  for (const auto& item : items) {
    if (!merged.empty() && item.range.first <= merged.back().range.last + 1) {
      merged.back().range.last = std::max(merged.back().range.last, item.range.last);
      merged.back().order = std::min(merged.back().order, item.order);
    } else {
      merged.push_back(item);
    }
  }
  std::sort(merged.begin(), merged.end(), [](const ordered& a, const ordered& b) { return a.order < b.order; });
  std::vector<byte_range> parts;
  for (const auto& item : merged)
    parts.push_back(item.range);
  return parts;
}

} // namespace

range_plan plan_ranges(std::string_view header, uint64_t size, const range_limits& limits) {
  range_plan ignored;  // outcome full
  header = trim_ows(header);
  auto equals = header.find('=');
  if (equals == std::string_view::npos || !equals_ignoring_case(header.substr(0, equals), "bytes"))
    return ignored;
  std::string_view set = header.substr(equals + 1);

  std::vector<byte_range> selected;
  size_t specs = 0;
  size_t elements = 0;
  for (size_t begin = 0; begin <= set.size();) {
    size_t comma = std::min(set.find(',', begin), set.size());
    std::string_view element = trim_ows(set.substr(begin, comma - begin));
    begin = comma + 1;
    // Empty list elements are allowed (RFC 9110 §5.6.1) but still counted,
    // so that a header of commas costs no more than one of ranges.
    if (++elements > limits.max_specs)
      return ignored;
    if (element.empty())
      continue;
    auto spec = parse_spec(element);
    if (!spec)
      return ignored;
    ++specs;
    if (auto range = clamp_to_file(*spec, size))
      selected.push_back(*range);
  }
  if (specs == 0)
    return ignored;  // range-set = 1#range-spec: an empty set is invalid
  if (selected.empty())
    return {range_outcome::unsatisfiable, {}};
  auto parts = coalesce(selected);
  if (parts.size() > limits.max_parts)
    return ignored;
  return {range_outcome::partial, std::move(parts)};
}

} // namespace vs::api
