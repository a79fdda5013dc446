#pragma once
/// vs::errc as a CAF error category, and the conversions both ways. Actors
/// answer with caf::error; the facade turns it back into vs::error so the
/// HTTP layer maps codes to statuses in one place.

#include "media/error.hpp"

#include <caf/error.hpp>
#include <caf/make_message.hpp>
#include <caf/message.hpp>

CAF_ERROR_CODE_ENUM(vs::errc, "vs")

namespace vs::actors {

/// The code, with the message and field as the error's context.
caf::error to_caf(const vs::error& failure);

/// Shortcut for `to_caf(make_error(code, message))`.
caf::error caf_error(errc code, std::string message);

/// Reverses to_caf. CAF's own errors (timeouts, dead actors) become
/// errc::unavailable or errc::internal with a readable message.
vs::error from_caf(const caf::error& failure);

} // namespace vs::actors
