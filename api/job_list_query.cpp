#include "api/job_list_query.hpp"

#include <httplib.h>

namespace vs::api {

expected<job_query> job_query_of(const httplib::Request& req) {
  job_query query;
  if (req.has_param("limit")) {
    const std::string text = req.get_param_value("limit");
    if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(text) < 1 || std::stoul(text) > 1000)
      return make_error(errc::invalid_argument, "limit must be between 1 and 1000", "limit");
    query.limit = std::stoul(text);
  }
  if (req.has_param("state")) {
    const std::string text = req.get_param_value("state");
    query.state = job_state_named(text);
    if (!query.state)
      return make_error(errc::invalid_argument,
                        "state must be queued, processing, success, failed or cancelled, not '" + text.substr(0, 40) +
                          "'",
                        "state");
  }
  return query;
}

} // namespace vs::api
