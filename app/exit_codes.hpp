#pragma once

#include "media/error.hpp"

namespace vs::app {

constexpr int exit_ok = 0;
constexpr int exit_failure = 1;    ///< internal failure (encoder, disk, bug)
constexpr int exit_bad_input = 2;  ///< the caller's input or options are wrong

inline int exit_code_for(const error& failure) {
  return is_bad_input(failure.code) ? exit_bad_input : exit_failure;
}

} // namespace vs::app
