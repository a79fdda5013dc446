#pragma once
/// splitmix64: a tiny, well-mixed hash, so that every choice drawn from a
/// job's seed (pan directions, random transitions) depends on (seed, what is
/// chosen) alone and re-renders are identical.

#include <cstdint>

namespace vs::media {

inline uint64_t seed_hash(uint64_t value) {
  value += 0x9e3779b97f4a7c15ULL;
  value = (value ^ (value >> 30)) * 0xbf58476d1ce4e5b9ULL;
  value = (value ^ (value >> 27)) * 0x94d049bb133111ebULL;
  return value ^ (value >> 31);
}

} // namespace vs::media
