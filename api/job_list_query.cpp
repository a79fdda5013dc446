#include "api/job_list_query.hpp"

#include "api/http_query.hpp"

#include <httplib.h>

namespace vs::api {

expected<jobs::job_query> job_query_of(const httplib::Request& req) {
  jobs::job_query query;
  auto limit = limit_param(req, query.limit);
  if (!limit)
    return limit.error();
  query.limit = *limit;
  if (req.has_param("state")) {
    const std::string text = req.get_param_value("state");
    query.state = jobs::job_state_named(text);
    if (!query.state)
      return make_error(errc::invalid_argument,
                        "state must be queued, processing, success, failed or cancelled, not '" + text.substr(0, 40) +
                          "'",
                        "state");
  }
  return query;
}

} // namespace vs::api
