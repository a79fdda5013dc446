// End-to-end tests of `video-service render`: real inputs generated here, the
// real binary, and the output decoded back with libavformat.

#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <filesystem>
#include <fstream>

using namespace vs::test;

namespace {

// Small and fast: the properties under test do not depend on size.
const std::string fast = " --resolution 320x180 --fps 12 --preset ultrafast ";

std::string render_command(const std::string& args) { return shell_quote(video_service_binary()) + " render " + args; }

std::string q(const std::string& path) { return shell_quote(path); }

struct sample_job {
  temp_dir dir;
  std::string audio;
  std::vector<std::string> images;

  explicit sample_job(double seconds = 3.0, const std::string& audio_name = "voice.mp3", int sample_rate = 24000,
                      int channels = 1) {
    audio = dir.file(audio_name);
    write_test_audio(audio, seconds, sample_rate, channels);
    images = {dir.file("square.png"), dir.file("wide.jpg"), dir.file("tall.png")};
    write_test_png(images[0], 1024, 1024, 3, 0);
    write_test_jpeg(images[1], 1536, 1024, 1);
    write_test_png(images[2], 1024, 1536, 3, 2);
  }

  std::string image_args() const {
    std::string args;
    for (const auto& image : images)
      args += " " + q(image);
    return args;
  }
};

nlohmann::json last_json_line(const std::string& out) {
  auto end = out.find_last_not_of('\n');
  auto start = out.rfind('\n', end);
  return nlohmann::json::parse(out.substr(start == std::string::npos ? 0 : start + 1, end - start));
}

} // namespace

TEST_CASE("render writes an H.264/AAC MP4 matching the narration", "[cli][render]") {
  sample_job job(3.0);
  std::string output = job.dir.file("out.mp4");
  auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) + fast + job.image_args()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);

  auto line = last_json_line(run.out);
  CHECK(line["path"] == output);
  CHECK(line["fps"] == 12);
  CHECK(line["resolution"] == nlohmann::json::array({320, 180}));
  CHECK(line["frames"].get<int>() == 36);
  CHECK(line["file_size"].get<int64_t>() == static_cast<int64_t>(std::filesystem::file_size(output)));
  CHECK(line["elapsed_seconds"].get<double>() > 0);

  auto info = probe_mp4(output);
  CHECK(info.video.codec == "h264");
  CHECK(info.video.pixel_format == "yuv420p");
  CHECK(info.video.color_space == "bt709");
  CHECK(info.video.width == 320);
  CHECK(info.video.height == 180);
  CHECK(info.video.fps == Approx(12));
  CHECK(info.video.frame_count == 36);
  CHECK(info.video.start_time == Approx(0).margin(1e-6));
  REQUIRE(info.audio.present);
  CHECK(info.audio.codec == "aac");
  CHECK(info.audio.sample_rate == 48000);
  CHECK(info.audio.channels == 2);
  CHECK(info.audio.start_time == Approx(0).margin(1e-6));
  double audio_seconds = line["audio_duration"].get<double>();
  CHECK(audio_seconds == Approx(3.0).margin(0.08));
  CHECK(std::abs(info.video.duration - audio_seconds) <= 1.0 / 12 + 1e-6);
  CHECK(std::abs(info.audio.duration - audio_seconds) <= 1.0 / 12);
  CHECK(info.moov_before_mdat);
  CHECK(audio_rms(output) > 0.02);
  // Nothing but the result is left in the folder.
  for (const auto& entry : std::filesystem::directory_iterator(job.dir.path()))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("render accepts WAV and M4A narration at any rate", "[cli][render]") {
  for (auto [name, rate, channels] : {std::tuple{"voice.wav", 44100, 2}, std::tuple{"voice.m4a", 22050, 1}}) {
    sample_job job(2.0, name, rate, channels);
    std::string output = job.dir.file("out.mp4");
    auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) + fast + job.image_args()));
    INFO(name << ": " << run.err);
    REQUIRE(run.exit_code == 0);
    auto info = probe_mp4(output);
    CHECK(info.audio.sample_rate == 48000);
    CHECK(std::abs(info.video.duration - 2.0) <= 1.0 / 12 + 0.03);
  }
}

TEST_CASE("Ken Burns moves the picture and no-ken-burns keeps slides still", "[cli][render]") {
  sample_job job(2.0);
  std::string moving = job.dir.file("moving.mp4");
  std::string still = job.dir.file("still.mp4");
  std::string one_image = " " + q(job.images[0]);
  REQUIRE(capture_command(render_command("--audio " + q(job.audio) + " -o " + q(moving) + fast + "--zoom-factor 1.3" + one_image)).exit_code == 0);
  REQUIRE(capture_command(render_command("--audio " + q(job.audio) + " -o " + q(still) + fast + "--no-ken-burns" + one_image)).exit_code == 0);

  auto moving_frames = decode_frames(moving);
  auto still_frames = decode_frames(still);
  REQUIRE(moving_frames.size() == 24);
  REQUIRE(still_frames.size() == 24);
  // First against last: a 1.3x zoom over the slide changes the picture a lot.
  CHECK(luma_difference(moving_frames.front(), moving_frames.back()) > 5.0);
  // Consecutive frames move a little every time: no frozen stretches.
  int changed = 0;
  for (size_t i = 1; i < moving_frames.size(); ++i)
    changed += luma_difference(moving_frames[i - 1], moving_frames[i]) > 0.05;
  CHECK(changed >= 20);
  // Still slides: only encoder noise between frames.
  CHECK(luma_difference(still_frames.front(), still_frames.back()) < 1.0);
}

TEST_CASE("a mid-transition frame is the blend of its two slides", "[cli][render]") {
  temp_dir dir;
  std::string audio = dir.file("voice.mp3");
  write_test_audio(audio, 4.0);
  std::string bright = dir.file("bright.png");
  std::string dark = dir.file("dark.png");
  write_solid_png(bright, 640, 360, 230, 230, 230);
  write_solid_png(dark, 640, 360, 20, 20, 20);
  std::string output = dir.file("fade.mp4");
  // Two slides over 4 s with a 1 s crossfade: overlap [1.5, 2.5), middle at 2.0 s = frame 24 at 12 fps.
  auto run = capture_command(render_command("--audio " + q(audio) + " -o " + q(output) + fast +
                                            "--transition-duration 1 --no-ken-burns " + q(bright) + " " + q(dark)));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto frames = decode_frames(output);
  REQUIRE(frames.size() >= 48);
  double first = frames[5].mean_luma();
  double last = frames[40].mean_luma();
  double middle = frames[24].mean_luma();
  CHECK(first > 200);
  CHECK(last < 40);
  CHECK(middle == Approx((first + last) / 2).margin(4));
  // A quarter of the way: 3/4 of the first slide.
  CHECK(frames[21].mean_luma() == Approx(first * 0.75 + last * 0.25).margin(4));
}

TEST_CASE("the same seed renders the same video and another seed pans elsewhere", "[cli][render]") {
  sample_job job(2.0);
  auto render = [&](const std::string& name, int seed) {
    std::string output = job.dir.file(name);
    auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) + fast +
                                              "--threads 2 --zoom-factor 1.5 --seed " + std::to_string(seed) +
                                              job.image_args()));
    REQUIRE(run.exit_code == 0);
    return decode_frames(output);
  };
  auto a = render("a.mp4", 11);
  auto b = render("b.mp4", 11);
  auto c = render("c.mp4", 12345);
  REQUIRE(a.size() == b.size());
  for (size_t i = 0; i < a.size(); ++i)
    CHECK(a[i].y == b[i].y);
  double differing = 0;
  for (size_t i = 0; i < a.size(); ++i)
    differing += luma_difference(a[i], c[i]);
  CHECK(differing / static_cast<double>(a.size()) > 0.5);
}

TEST_CASE("odd sizes, alpha and grey images render", "[cli][render]") {
  temp_dir dir;
  std::string audio = dir.file("voice.wav");
  write_test_audio(audio, 2.0, 16000, 1);
  std::vector<std::string> images = {dir.file("tiny.png"), dir.file("alpha.png"), dir.file("grey.png"),
                                     dir.file("greyalpha.png")};
  write_test_png(images[0], 17, 9, 3);
  write_test_png(images[1], 300, 200, 4);
  write_test_png(images[2], 200, 300, 1);
  write_test_png(images[3], 64, 64, 2);
  std::string output = dir.file("out.mp4");
  std::string args = "--audio " + q(audio) + " -o " + q(output) + fast + "--transition fadeblack";
  for (const auto& image : images)
    args += " " + q(image);
  auto run = capture_command(render_command(args));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(probe_mp4(output).video.width == 320);
}

TEST_CASE("a spec file takes the HTTP body and options override it", "[cli][render]") {
  sample_job job(2.0);
  std::string spec = job.dir.file("job.json");
  nlohmann::json body = {{"audio_path", job.audio}, {"image_paths", job.images}, {"fps", 10},
                         {"resolution", "256x144"}, {"enable_ken_burns", false}, {"preset", "ultrafast"}};
  std::ofstream(spec) << body.dump();
  std::string output = job.dir.file("spec.mp4");
  auto run = capture_command(render_command("--spec " + q(spec) + " -o " + q(output) + " --fps 8"));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto info = probe_mp4(output);
  CHECK(info.video.width == 256);
  CHECK(info.video.fps == Approx(8));
}

TEST_CASE("without audio sync, slide_duration sets the length", "[cli][render]") {
  sample_job job(5.0);
  std::string output = job.dir.file("fixed.mp4");
  auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) + fast +
                                            "--no-audio-sync --slide-duration 1 --transition-duration 0.5" +
                                            job.image_args()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  // 3 slides × 1 s − 2 × 0.5 s overlap = 2 s; the narration is trimmed to it.
  auto info = probe_mp4(output);
  CHECK(info.video.frame_count == 24);
  CHECK(info.audio.duration == Approx(2.0).margin(0.05));
}

TEST_CASE("bad input exits 2 with a message naming the cause", "[cli][render][errors]") {
  sample_job job(2.0);
  std::string output = job.dir.file("never.mp4");
  std::string good_images = job.image_args();
  std::string base = " -o " + q(output) + fast;

  std::string corrupt = job.dir.file("corrupt.png");
  write_bytes(corrupt, std::string("\x89PNG\r\n\x1a\n garbage", 16));
  std::string truncated = job.dir.file("truncated.png");
  {
    std::ifstream in(job.images[0], std::ios::binary);
    std::string bytes(200, '\0');
    in.read(bytes.data(), 200);
    write_bytes(truncated, bytes);
  }
  std::string empty = job.dir.file("empty.jpg");
  write_bytes(empty, "");
  std::string hostile_jpeg = job.dir.file("hostile.jpg");
  write_flawed_image(hostile_jpeg, image_flaw::oversized_huffman_table);
  std::string undefined_table_jpeg = job.dir.file("undefined_table.jpg");
  write_flawed_image(undefined_table_jpeg, image_flaw::undefined_quantisation_table);
  std::string overlong_png = job.dir.file("overlong.png");
  write_flawed_image(overlong_png, image_flaw::overlong_png_chunk);
  std::string text_audio = job.dir.file("notes.mp3");
  write_bytes(text_audio, "this is not audio at all, just some words in a file");
  std::string silent_video = job.dir.file("video_only.mp4");
  REQUIRE(run_command("ffmpeg -nostdin -loglevel error -y -f lavfi -i testsrc=d=1:s=64x64 -c:v mpeg4 " + q(silent_video)) == 0);

  struct bad_case {
    std::string args;
    std::string message;
  };
  std::vector<bad_case> cases = {
      {"--audio " + q(job.dir.file("missing.mp3")) + base + good_images,
       "audio file " + job.dir.file("missing.mp3") + " does not exist"},
      {"--audio " + q(job.audio) + base + " " + q(job.dir.file("missing.png")),
       "image " + job.dir.file("missing.png") + " does not exist"},
      {"--audio " + q(job.audio) + base + " " + q(corrupt), corrupt},
      {"--audio " + q(job.audio) + base + " " + q(truncated), truncated},
      {"--audio " + q(job.audio) + base + " " + q(empty), "image " + empty + " is empty"},
      {"--audio " + q(job.audio) + base + " " + q(hostile_jpeg),
       "image " + hostile_jpeg + " is a corrupt JPEG: a Huffman table declares more than 256 codes"},
      {"--audio " + q(job.audio) + base + " " + q(undefined_table_jpeg),
       "image " + undefined_table_jpeg + " is a corrupt JPEG: a scan uses a quantisation table that is never defined"},
      {"--audio " + q(job.audio) + base + " " + q(overlong_png),
       "image " + overlong_png + " is a truncated or corrupt PNG: a chunk runs past the end of the file"},
      {"--audio " + q(text_audio) + base + good_images, text_audio},
      {"--audio " + q(silent_video) + base + good_images, "audio file " + silent_video + " has no audio stream"},
      {"--audio " + q(job.audio) + base + " --max-image-megapixels 0.5" + good_images,
       "image " + job.images[0] + " is 1024x1024, over the limit of 500000 pixels"},
      {"--audio " + q(job.audio) + " -o " + q(output) + " --resolution 321x180" + good_images,
       "resolution 321x180 must have even width and height"},
      {"--audio " + q(job.audio) + " -o " + q(output) + " --resolution 8000x8000" + good_images,
       "resolution 8000x8000 is outside 16x16 .. 7680x4320"},
      {"--audio " + q(job.audio) + " -o " + q(output) + " --fps 0" + good_images,
       "fps must be between 1 and 120 (got 0)"},
      {"--audio " + q(job.audio) + " -o " + q(output) + " --transition wipe" + good_images,
       "transition must be one of crossfade, fadeblack, none (got \"wipe\")"},
      {"--audio " + q(job.audio) + base, "image_paths must list at least one image"},
      {"--audio " + q(job.audio) + " -o " + q(job.dir.file("no/such/dir/out.mp4")) + fast + good_images,
       "output folder " + job.dir.file("no/such/dir") + " does not exist"},
  };
  for (const auto& bad : cases) {
    auto run = capture_command(render_command(bad.args));
    INFO(bad.args << "\nstderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.err.find(bad.message) != std::string::npos);
    CHECK(run.out.empty());
    CHECK_FALSE(std::filesystem::exists(output));
  }
  // No partial output left behind by any of them.
  for (const auto& entry : std::filesystem::directory_iterator(job.dir.path()))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

// Issue 7, defect 7: the CLI makes the same per-job memory check as `serve`.
TEST_CASE("a job over MAX_JOB_MEMORY_MB exits 2 naming what to lower", "[cli][render][errors]") {
  sample_job job(2.0);
  std::string output = job.dir.file("never.mp4");
  std::string huge = "--audio " + q(job.audio) + " -o " + q(output) +
                     " --resolution 7680x4320 --zoom-factor 4 --preset medium" + job.image_args();
  // The reproduction asked for x264's maximum lookahead.
  auto lookahead = capture_command(render_command(huge + " --lookahead 250"));
  CHECK(lookahead.exit_code == 2);
  CHECK(lookahead.err.find("lookahead must be between 0 and 60 frames (got 250)") != std::string::npos);

  auto by_env = capture_command("MAX_JOB_MEMORY_MB=4096 " + render_command(huge + " --lookahead 60"));
  INFO(by_env.err);
  CHECK(by_env.exit_code == 2);
  CHECK(by_env.err.find("video-service render: the job needs an estimated ") == 0);
  CHECK(by_env.err.find("over the 4096 MB a job may use (MAX_JOB_MEMORY_MB); lower resolution to at most ") !=
        std::string::npos);
  CHECK(by_env.out.empty());
  CHECK_FALSE(std::filesystem::exists(output));

  auto by_option = capture_command(render_command(huge + " --max-job-memory-mb 2048"));
  CHECK(by_option.exit_code == 2);
  CHECK(by_option.err.find("over the 2048 MB a job may use (MAX_JOB_MEMORY_MB)") != std::string::npos);
  auto bad_limit = capture_command(render_command(huge + " --max-job-memory-mb 2g"));
  CHECK(bad_limit.exit_code == 2);
  CHECK(bad_limit.err.find("--max-job-memory-mb must be an integer, not '2g'") != std::string::npos);

  // A small job fits the same limit and renders.
  auto small = capture_command("MAX_JOB_MEMORY_MB=256 " +
                               render_command("--audio " + q(job.audio) + " -o " + q(output) + fast + job.image_args()));
  INFO(small.err);
  CHECK(small.exit_code == 0);
  CHECK(std::filesystem::exists(output));
}

TEST_CASE("help documents the options", "[cli]") {
  auto run = capture_command(render_command("--help"));
  CHECK(run.exit_code == 0);
  for (const char* option : {"--audio", "--output", "--spec", "--fps", "--resolution", "--slide-duration",
                             "--transition-duration", "--transition", "--no-ken-burns", "--zoom-factor", "--preset",
                             "--crf", "--seed"})
    CHECK(run.out.find(option) != std::string::npos);
}
