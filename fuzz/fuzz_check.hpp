#pragma once
/// What a fuzz target does when a property it checks does not hold: print
/// the target and what broke, then abort, so libFuzzer saves the input.

#include <cstdio>
#include <cstdlib>
#include <string>

namespace vs::fuzz {

[[noreturn]] inline void fail(const char* target, const std::string& what) {
  std::fprintf(stderr, "%s: %s\n", target, what.c_str());
  std::abort();
}

} // namespace vs::fuzz
