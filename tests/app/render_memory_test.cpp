// Issue 7 follow-ups against the real `video-service render`, measured by
// its own peak RSS: a PNG decompression bomb exits 2 at once instead of
// inflating 768 MiB.

#include "tests/support/child_process.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/png_writer.hpp"
#include "tests/support/process.hpp"
#include "tests/support/process_memory.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <filesystem>

using namespace vs::test;

namespace {

struct finished_render {
  int exit_code = -1;
  int64_t peak_rss_kb = -1;
  double seconds = 0;
  std::string log;
};

finished_render run_render(const temp_dir& dir, const std::vector<std::string>& args) {
  std::vector<std::string> argv = {video_service_binary(), "render"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto started = std::chrono::steady_clock::now();
  child_process render(argv, {}, dir.file("render.log"));
  auto code = render.wait(std::chrono::seconds(120));
  finished_render result;
  result.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  REQUIRE(code);
  result.exit_code = *code;
  result.peak_rss_kb = render.peak_rss_kb();
  result.log = render.log();
  std::filesystem::remove(dir.file("render.log"));
  return result;
}

} // namespace

TEST_CASE("render refuses a PNG decompression bomb at once and within bounded memory", "[cli][render][errors][memory]") {
  temp_dir dir;
  // 783 KB, 1x1 pixels, pixel data inflating to 768 MiB: stb_image 2.27
  // inflated all of it (792 MB peak, 2-4 s) and the render succeeded.
  const std::string bomb = dir.file("bomb.png");
  write_png_bomb(bomb, 768);
  const std::string output = dir.file("out.mp4");
  auto run = run_render(dir, {"-o", output, "--resolution", "320x180", "--fps", "12", "--preset", "ultrafast",
                              "--no-audio-sync", "--slide-duration", "1", bomb});
  INFO(run.log);
  CHECK(run.exit_code == 2);
  CHECK(run.log == "video-service render: image " + bomb +
                       " is a corrupt PNG: its pixel data inflates to more than the 5 bytes its 1x1 pixels need\n");
  CHECK_FALSE(std::filesystem::exists(output));
  INFO("peak RSS " << run.peak_rss_kb / 1024 << " MB in " << run.seconds << " s");
  CHECK(run.seconds < 5.0);
  if (rss_is_meaningful)
    CHECK(run.peak_rss_kb < 128 * 1024);
}
