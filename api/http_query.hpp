#pragma once
/// Query parameters shared by the list routes. Internal to api/.

#include "media/error.hpp"

#include <httplib.h>

#include <cstddef>

namespace vs::api {

/// `?limit=N`, 1..1000; `fallback` when absent. errc::invalid_argument
/// naming `limit` for anything else.
expected<size_t> limit_param(const httplib::Request& req, size_t fallback);

} // namespace vs::api
