#include "app/malloc_policy.hpp"

#include <malloc.h>

namespace vs::app {

void limit_malloc_retention() {
  mallopt(M_ARENA_MAX, 4);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
}

} // namespace vs::app
