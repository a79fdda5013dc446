#pragma once
/// The parts of a job snapshot the job store keeps as JSON text: the result
/// of a successful job and the error of a failed or cancelled one.

#include "jobs/job_service.hpp"
#include "media/error.hpp"

#include <string>

namespace vs::store {

std::string result_to_record(const jobs::job_result& result);
/// errc::input_invalid naming what is wrong.
expected<jobs::job_result> result_from_record(const std::string& text);

std::string failure_to_record(const error& failure);
/// An unknown code reads back as errc::internal, the message kept; text
/// that is no such record as errc::internal saying so (it is still a failure).
error failure_from_record(const std::string& text);

} // namespace vs::store
