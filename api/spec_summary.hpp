#pragma once
/// A job's render parameters as the request fields spell them, for people
/// reading a job (GET /jobs/{id}/spec, the dashboard's job detail). Paths
/// of inputs and the main settings; not the service's own bookkeeping
/// (input roots, thread counts).

#include "media/render_spec.hpp"

#include <nlohmann/json_fwd.hpp>

namespace vs::api {

nlohmann::json spec_summary(const media::render_spec& spec);

} // namespace vs::api
