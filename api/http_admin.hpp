#pragma once
/// The JSON routes an operator's dashboard needs beside the job API:
/// queue depths, workers, the dead-letter queue (with Redis) and a job's
/// render parameters. Internal to api/.
///
///   GET  /queues                       jobs running/queued here; with Redis the shared lists' lengths
///   GET  /workers                      with Redis: every registered worker, its lease and tasks
///   GET  /dead-letters?limit=N         with Redis: the dead-letter queue, newest first
///   POST /dead-letters/{id}/requeue    with Redis: queue a dead task again, attempts reset
///   GET  /jobs/{id}/spec               the job's render parameters

#include "api/http_routes.hpp"

namespace vs::api {

void install_admin_routes(route_registry& routes, const route_context& context);

} // namespace vs::api
