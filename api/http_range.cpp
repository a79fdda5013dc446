#include "api/http_range.hpp"

#include <cctype>
#include <optional>
#include <sstream>

namespace vs::api {

namespace {

std::optional<uint64_t> parse_number(const std::string& text) {
  if (text.empty() || text.size() > 19)
    return std::nullopt;
  for (char c : text)
    if (!std::isdigit(static_cast<unsigned char>(c)))
      return std::nullopt;
  return std::stoull(text);
}

std::string trim(const std::string& text) {
  auto first = text.find_first_not_of(" \t");
  auto last = text.find_last_not_of(" \t");
  return first == std::string::npos ? std::string() : text.substr(first, last - first + 1);
}

/// One "a-b", "a-" or "-n" spec.
bool satisfiable(const std::string& spec, uint64_t size) {
  auto dash = spec.find('-');
  if (dash == std::string::npos)
    return false;
  std::string first = spec.substr(0, dash);
  std::string last = spec.substr(dash + 1);
  if (first.empty()) {
    auto suffix = parse_number(last);
    return suffix && *suffix > 0 && size > 0;
  }
  auto start = parse_number(first);
  if (!start || *start >= size)
    return false;
  if (last.empty())
    return true;
  auto end = parse_number(last);
  return end && *end >= *start;
}

} // namespace

range_check check_range(const std::string& header, uint64_t size) {
  if (header.empty())
    return range_check::none;
  const std::string prefix = "bytes=";
  if (header.compare(0, prefix.size(), prefix) != 0)
    return range_check::unsatisfiable;
  std::stringstream specs(header.substr(prefix.size()));
  std::string spec;
  int count = 0;
  while (std::getline(specs, spec, ',')) {
    if (!satisfiable(trim(spec), size))
      return range_check::unsatisfiable;
    ++count;
  }
  return count > 0 ? range_check::satisfiable : range_check::unsatisfiable;
}

} // namespace vs::api
