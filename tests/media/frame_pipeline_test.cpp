#include "media/frame_pipeline.hpp"
#include "media/output_file.hpp"
#include "media/slide_cache.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

using namespace vs;
using namespace vs::media;

TEST_CASE("frames reach the consumer in order with bounded frames in flight", "[pipeline]") {
  frame_pipeline_settings settings{200, 32, 16, 3, 5, {}};
  std::atomic<int64_t> consumed{0};
  std::atomic<int64_t> max_ahead{0};
  std::mutex mutex;
  std::set<int> workers;
  auto produce = [&](int64_t index, picture_view target, int worker) -> status {
    {
      std::lock_guard<std::mutex> lock(mutex);
      workers.insert(worker);
    }
    // Frame 0 waits (bounded) for a second render thread to start another
    // frame: on a loaded machine one thread could otherwise draw all 200
    // before the others are scheduled, and parallelism would go unchecked.
    if (index == 0) {
      auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (std::chrono::steady_clock::now() < deadline) {
        {
          std::lock_guard<std::mutex> lock(mutex);
          if (workers.size() >= 2)
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
      }
    }
    int64_t ahead = index - consumed.load();
    int64_t seen = max_ahead.load();
    while (ahead > seen && !max_ahead.compare_exchange_weak(seen, ahead)) {
    }
    // Stamp the frame with its index so the consumer can check it got the right one.
    target.planes[0].data[0] = static_cast<uint8_t>(index % 251);
    return {};
  };
  int64_t expected = 0;
  auto consume = [&](int64_t index, video_frame& frame) -> status {
    CHECK(index == expected);
    CHECK(frame.view().planes[0].data[0] == index % 251);
    ++expected;
    consumed = index + 1;
    return {};
  };
  REQUIRE(run_frame_pipeline(settings, produce, consume, nullptr));
  CHECK(expected == 200);
  // A frame is only started once the one a ring's length before it is consumed.
  CHECK(max_ahead.load() < 5);
  CHECK(workers.size() >= 2);
}

TEST_CASE("a frame starts only once the frames it waits for are consumed", "[pipeline]") {
  // A ring of 8 would let 7 frames run ahead; the gate lets only 2: frame k
  // starts once k - 2 frames are consumed (render_job gates on slides so).
  frame_pipeline_settings settings{300, 16, 16, 3, 8, {}};
  settings.consumed_before = [](int64_t index) { return std::max<int64_t>(0, index - 2); };
  std::atomic<int64_t> consumed{0};
  std::atomic<int64_t> max_ahead{0};
  auto produce = [&](int64_t index, picture_view, int) -> status {
    int64_t ahead = index - consumed.load();
    int64_t seen = max_ahead.load();
    while (ahead > seen && !max_ahead.compare_exchange_weak(seen, ahead)) {
    }
    return {};
  };
  int64_t expected = 0;
  auto consume = [&](int64_t index, video_frame&) -> status {
    CHECK(index == expected++);
    consumed = index + 1;
    return {};
  };
  REQUIRE(run_frame_pipeline(settings, produce, consume, nullptr));
  CHECK(expected == 300);
  CHECK(max_ahead.load() <= 2);
}

TEST_CASE("the first error stops the pipeline and is returned", "[pipeline]") {
  frame_pipeline_settings settings{1000, 16, 16, 2, 4, {}};
  std::atomic<int64_t> produced{0};
  auto produce = [&](int64_t index, picture_view, int) -> status {
    ++produced;
    if (index == 37)
      return make_error(errc::input_invalid, "slide 3 is corrupt");
    return {};
  };
  auto consume = [&](int64_t, video_frame&) -> status { return {}; };
  auto result = run_frame_pipeline(settings, produce, consume, nullptr);
  REQUIRE_FALSE(result);
  CHECK(result.error().message == "slide 3 is corrupt");
  CHECK(produced.load() < 60);
}

TEST_CASE("cancel stops rendering promptly", "[pipeline]") {
  frame_pipeline_settings settings{100000, 16, 16, 2, 4, {}};
  std::atomic<bool> cancel{false};
  std::atomic<int64_t> produced{0};
  auto produce = [&](int64_t, picture_view, int) -> status {
    ++produced;
    return {};
  };
  auto consume = [&](int64_t index, video_frame&) -> status {
    if (index == 10)
      cancel = true;
    return {};
  };
  auto result = run_frame_pipeline(settings, produce, consume, &cancel);
  REQUIRE_FALSE(result);
  CHECK(result.error().code == errc::cancelled);
  CHECK(produced.load() < 30);
}

TEST_CASE("slide cache loads each slide once and releases old ones", "[pipeline]") {
  std::atomic<int> loads{0};
  slide_cache cache(4, [&](int slide) -> expected<slide_image> {
    ++loads;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    auto image = std::make_shared<yuv_image>(make_yuv_image(4, 4));
    image->y.pixels[0] = static_cast<uint8_t>(slide);
    return slide_image(image);
  });
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i)
    threads.emplace_back([&] { REQUIRE(cache.get(1)); });
  for (auto& t : threads)
    t.join();
  CHECK(loads.load() == 1);
  CHECK((*cache.get(2))->y.pixels[0] == 2);
  CHECK(cache.resident_count() == 2);
  cache.release_before(2);
  CHECK(cache.resident_count() == 1);

  slide_cache failing(2, [](int slide) -> expected<slide_image> {
    return make_error(errc::input_invalid, "slide " + std::to_string(slide) + " is broken");
  });
  auto failed = failing.get(1);
  REQUIRE_FALSE(failed);
  CHECK(failed.error().message == "slide 1 is broken");
}

TEST_CASE("slide cache prefetches only within its window and keeps no released slide", "[pipeline]") {
  std::atomic<int> loads{0};
  slide_cache cache(10, [&](int) -> expected<slide_image> {
    ++loads;
    return slide_image(std::make_shared<yuv_image>(make_yuv_image(4, 4)));
  });  // window: 3 slides from the oldest not released
  cache.prefetch(3);
  CHECK(loads.load() == 0);
  cache.prefetch(2);
  CHECK(loads.load() == 1);
  cache.prefetch(2);  // already there
  CHECK(loads.load() == 1);
  REQUIRE(cache.get(0));
  REQUIRE(cache.get(1));
  CHECK(cache.resident_count() == 3);
  cache.release_before(2);
  CHECK(cache.resident_count() == 1);
  cache.prefetch(4);  // the window is 2..4 now
  CHECK(loads.load() == 4);
  CHECK(cache.resident_count() == 2);
  REQUIRE(cache.get(0));  // released: loaded again for the caller, not kept
  CHECK(loads.load() == 5);
  CHECK(cache.resident_count() == 2);
  CHECK(cache.peak_resident_count() == 3);
}

// A render thread may still be loading a slide when the frames before it are
// consumed and the release pass moves past it: the finished load used to be
// kept, and nothing ever released it again (one slide leaked per such race).
TEST_CASE("slide cache keeps no slide whose load finished after its release", "[pipeline]") {
  std::mutex mutex;
  std::condition_variable changed;
  bool loading = false;
  bool may_finish = false;
  slide_cache cache(4, [&](int) -> expected<slide_image> {
    std::unique_lock<std::mutex> lock(mutex);
    loading = true;
    changed.notify_all();
    changed.wait(lock, [&] { return may_finish; });
    return slide_image(std::make_shared<yuv_image>(make_yuv_image(4, 4)));
  });
  std::thread loader([&] { CHECK(cache.get(0)); });
  {
    std::unique_lock<std::mutex> lock(mutex);
    changed.wait(lock, [&] { return loading; });
  }
  CHECK(cache.resident_count() == 1);  // counted while it loads
  cache.release_before(1);
  {
    std::lock_guard<std::mutex> lock(mutex);
    may_finish = true;
  }
  changed.notify_all();
  loader.join();
  CHECK(cache.resident_count() == 0);
}

TEST_CASE("output files appear whole or not at all", "[output]") {
  test::temp_dir dir;
  std::string final_path = dir.file("video.mp4");
  {
    auto output = output_file::beside(final_path);
    REQUIRE(output);
    CHECK(std::filesystem::path(output->temporary_path()).parent_path() == dir.path());
    std::ofstream(output->temporary_path()) << "half a video";
    // Dropped without commit: the partial file goes away.
  }
  CHECK(std::filesystem::is_empty(dir.path()));
  {
    auto output = output_file::beside(final_path);
    REQUIRE(output);
    std::ofstream(output->temporary_path()) << "a whole video";
    REQUIRE(output->commit());
  }
  CHECK(std::filesystem::exists(final_path));
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), std::filesystem::directory_iterator()) == 1);

  auto missing = output_file::beside(dir.file("nope/video.mp4"));
  REQUIRE_FALSE(missing);
  CHECK(missing.error().message == "output folder " + dir.file("nope") + " does not exist");
}
