#include "actors/caf_error.hpp"

#include <caf/atom.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>
#include <caf/sec.hpp>

namespace vs::actors {

caf::error to_caf(const vs::error& failure) {
  return caf::make_error(failure.code, failure.message, failure.field);
}

caf::error caf_error(errc code, std::string message) { return to_caf(vs::make_error(code, std::move(message))); }

vs::error from_caf(const caf::error& failure) {
  if (!failure)
    return vs::make_error(errc::internal, "an empty error was reported");
  if (failure.category() == caf::atom("vs")) {
    vs::error result;
    result.code = static_cast<errc>(failure.code());
    const caf::message& context = failure.context();
    if (context.size() >= 1 && context.match_element<std::string>(0))
      result.message = context.get_as<std::string>(0);
    if (context.size() >= 2 && context.match_element<std::string>(1))
      result.field = context.get_as<std::string>(1);
    if (result.message.empty())
      result.message = to_string(result.code);
    return result;
  }
  if (failure.category() == caf::atom("system")) {
    switch (static_cast<caf::sec>(failure.code())) {
      case caf::sec::request_timeout:
        return vs::make_error(errc::unavailable, "the job system did not answer in time");
      case caf::sec::request_receiver_down:
        return vs::make_error(errc::unavailable, "the job system is not running");
      default:
        break;
    }
  }
  return vs::make_error(errc::internal, "actor system error: " + caf::to_string(failure));
}

} // namespace vs::actors
