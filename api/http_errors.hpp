#pragma once
/// The one place where error codes become HTTP statuses and JSON bodies:
/// {"error":{"code":"…","message":"…","field":"…"}}.

#include "media/error.hpp"

#include <nlohmann/json_fwd.hpp>

namespace vs::api {

int http_status_for(errc code);

/// The "error" object (without the outer wrapper).
nlohmann::json error_object(const error& failure);

/// The full body: {"error": error_object}.
std::string error_body(const error& failure);

} // namespace vs::api
