#pragma once
/// Writing JSON answers onto an httplib::Response: the only place the API
/// sets a JSON body, so every one goes through json_text (never throws on
/// bytes that are not UTF-8).

#include "media/error.hpp"

#include <httplib.h>
#include <nlohmann/json_fwd.hpp>

namespace vs::api {

void send_json(httplib::Response& res, int status, const nlohmann::json& body);

/// {"error": {...}} with the status of `failure.code`, or `status` if given.
void send_error(httplib::Response& res, const error& failure, int status = 0);

} // namespace vs::api
