#pragma once
/// How glibc's allocator is set for both commands, before any job runs.

namespace vs::app {

/// Every job brings threads (decoders, the narration, the encoder, x264's
/// own) that come and go; glibc gives each a malloc arena that keeps its
/// freed memory, so RSS would drift up with the jobs ever run: at most 4
/// arenas. Slides, frames and x264's pictures are large blocks that come and
/// go with jobs: mapped one by one (a fixed 1 MiB mmap threshold, where glibc
/// would raise it after the first large free), they go back to the system
/// when freed instead of staying in whichever arena held them, so RSS
/// follows the live working set that the memory estimates bound (a job of
/// short slides at zoom 4 held 16 % more without this).
void limit_malloc_retention();

} // namespace vs::app
