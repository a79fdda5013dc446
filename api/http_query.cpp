#include "api/http_query.hpp"

#include <string>

namespace vs::api {

expected<size_t> limit_param(const httplib::Request& req, size_t fallback) {
  if (!req.has_param("limit"))
    return fallback;
  const std::string text = req.get_param_value("limit");
  if (text.empty() || text.size() > 4 || text.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(text) < 1 || std::stoul(text) > 1000)
    return make_error(errc::invalid_argument, "limit must be between 1 and 1000", "limit");
  return std::stoul(text);
}

} // namespace vs::api
