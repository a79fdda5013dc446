#pragma once
/// Live counters of the frame pipeline, shared by every job runner: they make
/// the memory bound observable (tests, bench). Plain atomics, no CAF.

#include <atomic>
#include <cstdint>

namespace vs::actors {

struct pipeline_counters {
  /// Frame buffers allocated right now, over all jobs (each is one picture).
  std::atomic<int64_t> frame_buffers{0};
  std::atomic<int64_t> peak_frame_buffers{0};
  /// The most frames any single job ever had in flight (issued, not yet encoded).
  std::atomic<int64_t> peak_job_frames_in_flight{0};
  /// Slide working images held by runners right now, over all jobs.
  std::atomic<int64_t> resident_slides{0};
  std::atomic<int64_t> peak_resident_slides{0};

  static void raise_peak(std::atomic<int64_t>& peak, int64_t value) {
    int64_t seen = peak.load(std::memory_order_relaxed);
    while (value > seen && !peak.compare_exchange_weak(seen, value, std::memory_order_relaxed)) {
    }
  }
};

} // namespace vs::actors
