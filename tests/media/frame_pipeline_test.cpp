#include "media/frame_pipeline.hpp"
#include "media/output_file.hpp"
#include "media/slide_cache.hpp"

#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <set>
#include <thread>

using namespace vs;
using namespace vs::media;

TEST_CASE("frames reach the consumer in order with bounded frames in flight", "[pipeline]") {
  frame_pipeline_settings settings{200, 32, 16, 3, 5};
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

TEST_CASE("the first error stops the pipeline and is returned", "[pipeline]") {
  frame_pipeline_settings settings{1000, 16, 16, 2, 4};
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
  frame_pipeline_settings settings{100000, 16, 16, 2, 4};
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
