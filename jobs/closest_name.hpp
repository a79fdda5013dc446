#pragma once
/// The known name nearest to a misspelt one, for "did you mean" hints.

#include <string>
#include <vector>

namespace vs::jobs {

/// Edits (insert, delete, replace, swap two neighbours) from `a` to `b`:
/// the optimal string alignment distance, so "fsp" is one edit from "fps".
size_t edit_distance(const std::string& a, const std::string& b);

/// The name of `known` with the fewest edits from `name` (the first of
/// equals); empty if `known` is.
std::string closest_name(const std::string& name, const std::vector<std::string>& known);

} // namespace vs::jobs
