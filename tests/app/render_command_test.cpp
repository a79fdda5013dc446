// End-to-end tests of `video-service render`: real inputs generated here, the
// real binary, and the output decoded back with libavformat.

#include "tests/support/audio_measure.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/picture_checks.hpp"
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

TEST_CASE("the reported duration is what players show for a narration a hair past a frame", "[cli][render]") {
  // Issue 10: a narration decoded a fraction of a millisecond longer than
  // 3 s got one more frame: at 60 fps the MP4 lasted 3.017 s (what players
  // show) while the narration was 3.000 s. Now the video ends with the
  // narration and the reported duration is the file's.
  sample_job job(3.0005, "voice.wav", 24000, 1);
  std::string output = job.dir.file("out.mp4");
  auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) +
                                            " --resolution 320x180 --fps 60 --preset ultrafast" + job.image_args()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto line = last_json_line(run.out);
  CHECK(line["audio_duration"].get<double>() == Approx(3.0005).margin(1e-4));
  CHECK(line["frames"].get<int>() == 180);
  CHECK(line["duration"].get<double>() == Approx(3.0).margin(1e-9));
  auto info = probe_mp4(output);
  CHECK(info.video.frame_count == 180);
  CHECK(info.duration == Approx(line["duration"].get<double>()).margin(0.001));
  CHECK(info.audio.duration == Approx(3.0005).margin(0.001));
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

TEST_CASE("the flags fit, background, transition random and poster shape the video and write the poster",
          "[cli][render][pictures]") {
  sample_job job(2.0);
  std::string output = job.dir.file("fit.mp4");
  // --poster without a time before the images: they stay images.
  auto run = capture_command(render_command("--audio " + q(job.audio) + " -o " + q(output) + fast +
                                            "--crf 0 --fit contain --background '#FF0000' --transition random "
                                            "--no-ken-burns --poster" +
                                            job.image_args()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto line = last_json_line(run.out);
  CHECK(line["poster_path"] == job.dir.file("fit.jpg"));
  auto poster = jpeg_luma(job.dir.file("fit.jpg"));
  CHECK(poster.width == 320);
  CHECK(poster.height == 180);
  // The first slide is square in a 16:9 frame: red bars at both sides (BT.709 red: Y 63, Cb 102, Cr 240).
  auto frames = decode_frames(output);
  REQUIRE(frames.size() == 24);
  CHECK(frames[2].y[90 * 320 + 2] == 63);
  CHECK(frames[2].v[45 * 160 + 1] == 240);
  CHECK(frames[2].y[90 * 320 + 317] == 63);

  // --poster TIME, and the per-slide objects through --spec.
  std::string spec = job.dir.file("slides.json");
  nlohmann::json body = {{"audio_path", job.audio},
                         {"slides",
                          {{{"path", job.images[0]}, {"duration", 0.5}, {"motion", "in"}, {"focus", {0.2, 0.2}}},
                           {{"path", job.images[1]}, {"fit", "blur"}},
                           job.images[2]}},
                         {"transitions", {"slideleft", "circle"}}};
  std::ofstream(spec) << body.dump();
  std::string timed = job.dir.file("timed.mp4");
  auto spec_run = capture_command(render_command("--spec " + q(spec) + " -o " + q(timed) + fast + "--poster 1.5"));
  INFO(spec_run.err);
  REQUIRE(spec_run.exit_code == 0);
  CHECK(last_json_line(spec_run.out)["poster_path"] == job.dir.file("timed.jpg"));
  auto timed_frames = decode_frames(timed);
  CHECK(timed_frames.size() == 24);
  CHECK(luma_psnr(jpeg_luma(job.dir.file("timed.jpg")), timed_frames[18]) > 35);
}

TEST_CASE("a spec file with a misspelt field is refused naming the closest field", "[cli][render]") {
  sample_job job(1.0);
  std::string spec = job.dir.file("job.json");
  std::string output = job.dir.file("typo.mp4");
  std::ofstream(spec) << nlohmann::json{{"audio_path", job.audio}, {"image_paths", job.images}, {"resoluton", "256x144"}}.dump();
  auto typo = capture_command(render_command("--spec " + q(spec) + " -o " + q(output)));
  CHECK(typo.exit_code == 2);
  CHECK(typo.err == "video-service render: spec file " + spec +
                        ": unknown field \"resoluton\"; did you mean \"resolution\"?\n");
  std::ofstream(spec) << nlohmann::json{{"audio_path", job.audio}, {"output_path", "/tmp/x.mp4"}}.dump();
  auto output_path = capture_command(render_command("--spec " + q(spec) + " -o " + q(output)));
  CHECK(output_path.exit_code == 2);
  CHECK(output_path.err == "video-service render: spec file " + spec + ": output_path is given with -o, not in the spec\n");
  CHECK_FALSE(std::filesystem::exists(output));
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
       "--transition must be one of crossfade, fadeblack, fadewhite, none, slideleft, slideright, slideup, "
       "slidedown, wipeleft, wiperight, wipeup, wipedown, zoom, circle or random (got \"wipe\")"},
      {"--audio " + q(job.audio) + base + " --fit stretch" + good_images,
       "--fit must be one of cover, contain or blur (got \"stretch\")"},
      {"--audio " + q(job.audio) + base + " --background red" + good_images,
       "--background must be a colour as \"#RRGGBB\" or \"#RGB\" (got \"red\")"},
      {"--audio " + q(job.audio) + base + " --poster 99" + good_images,
       "poster at 99 s is past the end of the video (2 s)"},
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
                             "--crf", "--seed", "--music", "--music-volume", "--music-fade", "--ducking",
                             "--loudness", "--no-loudness"})
    CHECK(run.out.find(option) != std::string::npos);
}

TEST_CASE("music and loudness options: a mixed, normalised render and bad values with exit code 2", "[cli][render][audio]") {
  sample_job job(3.0);
  std::string bed = job.dir.file("bed.ogg");
  REQUIRE(run_command("ffmpeg -nostdin -loglevel error -y -f lavfi -i 'sine=f=3000:d=2' -ac 2 -c:a libopus " + q(bed)) == 0);
  std::string output = job.dir.file("mixed.mp4");
  auto run = capture_command(render_command("--audio " + q(job.audio) + " --music " + q(bed) +
                                            " --music-volume -12 --music-fade 0.5 --ducking 12 --loudness -20 -o " +
                                            q(output) + fast + job.image_args()));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  check_loudness(output, -20);
  auto line = last_json_line(run.out);
  CHECK(container_duration(output) == Approx(line["duration"].get<double>()).margin(0.001));

  // --no-loudness: the narration keeps its own level.
  std::string as_is = job.dir.file("as_is.mp4");
  REQUIRE(capture_command(render_command("--audio " + q(job.audio) + " --no-loudness -o " + q(as_is) + fast +
                                         job.image_args())).exit_code == 0);
  CHECK(std::abs(measure_ebur128(as_is).integrated - measure_ebur128(job.audio).integrated) <= 0.3);

  std::string text = job.dir.file("notes.mp3");
  write_bytes(text, "this is not music at all, just some words in a file");
  std::string base = " --audio " + q(job.audio) + " -o " + q(job.dir.file("bad.mp4")) + fast + job.image_args();
  struct bad_case {
    std::string args;
    std::string message;
  };
  const bad_case cases[] = {
      {"--music " + q(job.dir.file("missing.mp3")) + base, "music file " + job.dir.file("missing.mp3") + " does not exist"},
      {"--music " + q(text) + base, "music file " + text},
      {"--music " + q(bed) + " --music-volume 20" + base, "music_volume must be between -60 and 6 dB (got 20)"},
      {"--music " + q(bed) + " --music-fade 31" + base, "music_fade must be between 0 and 30 seconds (got 31)"},
      {"--ducking 41" + base, "ducking must be between 0 and 40 dB (got 41)"},
      {"--loudness -50" + base, "loudness must be between -40 and -5 LUFS (got -50)"},
      {"--loudness -14 --no-loudness" + base, "--loudness excludes --no-loudness"},
  };
  for (const auto& bad : cases) {
    auto failed = capture_command(render_command(bad.args));
    INFO(bad.args << "\nstderr: " << failed.err);
    CHECK(failed.exit_code == 2);
    CHECK(failed.err.find(bad.message) != std::string::npos);
    CHECK_FALSE(std::filesystem::exists(job.dir.file("bad.mp4")));
  }
}
