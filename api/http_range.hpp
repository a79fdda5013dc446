#pragma once
/// Checks an HTTP Range header against a file size before the file is served.
/// cpp-httplib slices satisfiable ranges itself (206 + Content-Range), but it
/// would read past the end for a range beyond the file: those must be
/// answered 416 here first.

#include <cstdint>
#include <string>

namespace vs::api {

enum class range_check { none, satisfiable, unsatisfiable };

/// `header` is the Range header value ("" when absent).
range_check check_range(const std::string& header, uint64_t size);

} // namespace vs::api
