// Chunked rendering against the unchunked render of the same job: real MP4s
// decoded, frame by frame, joins included, and the narration sample by sample.
#include "media/captions/caption_source.hpp"
#include "media/captions/layout_json.hpp"
#include "media/chunk_plan.hpp"
#include "media/narration.hpp"
#include "media/poster.hpp"
#include "media/render_chunk.hpp"
#include "media/render_job.hpp"
#include "media/segment_stitcher.hpp"
#include "media/timeline.hpp"

#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <iterator>

using namespace vs;
using namespace vs::media;

namespace {

render_spec narrated_job(const test::temp_dir& dir, double audio_seconds) {
  render_spec spec;
  for (int i = 0; i < 3; ++i) {
    spec.image_paths.push_back(dir.file("slide" + std::to_string(i) + ".png"));
    test::write_test_png(spec.image_paths.back(), 320, 240, 3, i);
  }
  spec.audio_path = dir.file("voice.mp3");
  test::write_test_audio(spec.audio_path, audio_seconds);
  spec.width = 320;
  spec.height = 180;
  spec.fps = 12;
  spec.render_threads = 2;
  spec.encoder_threads = 1;
  spec.seed = 7;
  return spec;
}

/// The owner's side of a chunked render, without any queue: narration once,
/// every chunk, then the stitch.
expected<stitch_result> render_in_chunks(const render_spec& spec, int chunk_seconds, const std::string& output,
                                         std::vector<frame_range>& chunks,
                                         std::shared_ptr<const captions::caption_layout> layout = nullptr) {
  const render_limits limits;
  const root_folders roots(spec.input_roots);
  auto audio = encode_narration(spec, limits, roots, nullptr);
  if (!audio)
    return audio.error();
  auto slides = checked_timeline(spec, limits, audio_seconds_of(*audio));
  if (!slides)
    return slides.error();
  chunks = split_into_chunks(slides->frame_count(), spec.fps, chunk_seconds);
  std::vector<stitch_segment> segments;
  for (size_t i = 0; i < chunks.size(); ++i) {
    std::string path = output + ".chunk" + std::to_string(i) + ".mp4";
    auto chunk = render_chunk(spec, limits, audio_seconds_of(*audio), chunks[i], path, {}, layout);
    if (!chunk)
      return chunk.error();
    segments.push_back({path, chunks[i]});
  }
  return stitch_segments(segments, spec.fps, *audio, output);
}

} // namespace

TEST_CASE("chunks are about chunk_seconds long and cover every frame once", "[chunks]") {
  CHECK(split_into_chunks(1000, 24, 0).empty());
  // Not longer than two chunks: rendered whole.
  CHECK(split_into_chunks(48, 12, 2).empty());
  CHECK(split_into_chunks(2 * 30 * 24, 24, 30).empty());
  CHECK(split_into_chunks(49, 12, 2) == std::vector<frame_range>{{0, 25}, {25, 49}});
  CHECK(split_into_chunks(64, 12, 1) ==
        std::vector<frame_range>{{0, 13}, {13, 26}, {26, 39}, {39, 52}, {52, 64}});
  // 6 minutes at 24 fps in 30-second chunks: twelve of 720 frames.
  auto minutes = split_into_chunks(6 * 60 * 24, 24, 30);
  REQUIRE(minutes.size() == 12);
  for (size_t i = 0; i < minutes.size(); ++i)
    CHECK(minutes[i] == frame_range{static_cast<int64_t>(i) * 720, static_cast<int64_t>(i + 1) * 720});
}

TEST_CASE("a video rendered in chunks and stitched matches the unchunked render frame by frame", "[chunks]") {
  test::temp_dir dir;
  render_spec spec = narrated_job(dir, 5.3);
  spec.output_path = dir.file("whole.mp4");
  auto whole = render_video(spec, render_limits{});
  REQUIRE(whole);

  std::vector<frame_range> chunks;
  const std::string chunked_path = dir.file("chunked.mp4");
  auto stitched = render_in_chunks(spec, 1, chunked_path, chunks);
  REQUIRE(stitched);
  REQUIRE(chunks.size() == 5);

  // Exactly the frames that cover the audio, as the unchunked render.
  const int64_t expected_frames = frames_covering_audio(whole->audio_seconds, spec.fps);
  CHECK(whole->frames == expected_frames);
  CHECK(stitched->frames == expected_frames);

  auto whole_info = test::probe_mp4(spec.output_path);
  auto chunked_info = test::probe_mp4(chunked_path);
  CHECK(chunked_info.moov_before_mdat);
  CHECK(chunked_info.video.frame_count == expected_frames);
  CHECK(chunked_info.video.start_time == whole_info.video.start_time);
  CHECK(chunked_info.video.duration == Approx(whole_info.video.duration).margin(1e-9));
  CHECK(chunked_info.audio.start_time == whole_info.audio.start_time);
  CHECK(chunked_info.duration == Approx(whole_info.duration).margin(1e-9));

  auto whole_frames = test::decode_frames(spec.output_path);
  auto chunked_frames = test::decode_frames(chunked_path);
  REQUIRE(whole_frames.size() == static_cast<size_t>(expected_frames));
  REQUIRE(chunked_frames.size() == whole_frames.size());
  double worst = INFINITY;
  for (size_t k = 0; k < whole_frames.size(); ++k) {
    INFO("frame " << k);
    CHECK(chunked_frames[k].time == Approx(static_cast<double>(k) / spec.fps).margin(1e-9));
    CHECK(chunked_frames[k].time == whole_frames[k].time);
    double quality = test::psnr(whole_frames[k], chunked_frames[k]);
    CHECK(quality >= 40.0);
    worst = std::min(worst, quality);
  }
  // The frames on each side of every join, by name.
  for (size_t i = 1; i < chunks.size(); ++i)
    for (int64_t k : {chunks[i].first - 1, chunks[i].first}) {
      INFO("join before frame " << chunks[i].first << ", frame " << k);
      CHECK(test::psnr(whole_frames[static_cast<size_t>(k)], chunked_frames[static_cast<size_t>(k)]) >= 40.0);
    }
  WARN("lowest PSNR against the unchunked render: " << worst << " dB");

  // The narration was encoded once and copied: the same samples.
  auto whole_audio = test::decode_audio_samples(spec.output_path);
  auto chunked_audio = test::decode_audio_samples(chunked_path);
  REQUIRE_FALSE(whole_audio.empty());
  CHECK(chunked_audio == whole_audio);
}

TEST_CASE("a captioned job rendered in chunks from its layout as the plan carries it matches the whole render",
          "[chunks][captions]") {
  test::temp_dir dir;
  render_spec spec = narrated_job(dir, 4.2);
  spec.captions.cues = {{0.2, 1.6, "First caption"}, {1.8, 3.9, "Second one, across a join"}};
  spec.output_path = dir.file("whole.mp4");
  auto whole = render_video(spec, render_limits{});
  REQUIRE(whole);
  REQUIRE_FALSE(whole->captions_path.empty());

  // The owner prepares the layout once; the plan carries it as JSON.
  auto prepared = captions::prepare_captions(spec, render_limits{}, root_folders(spec.input_roots));
  REQUIRE(prepared);
  REQUIRE(*prepared);
  auto carried = captions::layout_from_json(nlohmann::json::parse(captions::layout_to_json(**prepared).dump()));
  REQUIRE(carried);
  CHECK((*carried)->ass_script == (*prepared)->ass_script);
  CHECK((*carried)->events.size() == (*prepared)->events.size());
  CHECK((*carried)->geometry.font_px == (*prepared)->geometry.font_px);
  CHECK((*carried)->cues.size() == 2);
  // A worker checks the layout against the spec's frames before drawing it.
  CHECK(captions::check_layout_fits(**carried, spec.width, spec.height, spec.fps));
  auto elsewhere = captions::check_layout_fits(**carried, spec.width * 2, spec.height, spec.fps);
  REQUIRE_FALSE(elsewhere);
  CHECK(elsewhere.error().message == "the caption layout is not usable: it is for " + std::to_string(spec.width) + "x" +
                                         std::to_string(spec.height) + " at " + std::to_string(spec.fps) +
                                         " fps, the video is " + std::to_string(spec.width * 2) + "x" +
                                         std::to_string(spec.height) + " at " + std::to_string(spec.fps) + " fps");
  auto stretched = **carried;
  stretched.geometry.max_block_height = 1e12;  // would size the overlay buffers
  CHECK_FALSE(captions::check_layout_fits(stretched, spec.width, spec.height, spec.fps));
  auto reordered = **carried;
  std::swap(reordered.events.front(), reordered.events.back());
  CHECK_FALSE(captions::check_layout_fits(reordered, spec.width, spec.height, spec.fps));

  std::vector<frame_range> chunks;
  const std::string captioned = dir.file("chunked.mp4");
  REQUIRE(render_in_chunks(spec, 1, captioned, chunks, *carried));
  const std::string bare = dir.file("bare.mp4");
  REQUIRE(render_in_chunks(spec, 1, bare, chunks, nullptr));
  auto whole_frames = test::decode_frames(spec.output_path);
  auto chunked_frames = test::decode_frames(captioned);
  auto bare_frames = test::decode_frames(bare);
  REQUIRE(chunked_frames.size() == whole_frames.size());
  REQUIRE(bare_frames.size() == whole_frames.size());
  int captioned_frames = 0;
  for (size_t k = 0; k < whole_frames.size(); ++k) {
    INFO("frame " << k);
    CHECK(test::psnr(whole_frames[k], chunked_frames[k]) >= 40.0);
    // Where a caption shows, the chunks painted it: without the layout they differ.
    if ((*carried)->event_at(static_cast<int64_t>(k)) >= 0) {
      ++captioned_frames;
      CHECK(test::psnr(whole_frames[k], bare_frames[k]) < 35.0);
    }
  }
  CHECK(captioned_frames > static_cast<int>(whole_frames.size()) / 2);
}

TEST_CASE("every caption layout a valid style makes fits its own frames", "[chunks][captions]") {
  // The extremes of caption_style on the extremes of the frame: the check a
  // chunk worker makes must never refuse what an owner made.
  captions::caption_style large;
  large.size = 0.25;
  large.outline = 0.5;
  large.max_lines = 10;
  large.box = true;
  captions::caption_style small;
  small.size = 0.01;
  small.outline = 0;
  small.max_lines = 1;
  const std::vector<captions::caption_cue> cues{{0.0, 1.0, "A caption long enough to need more than one line of text"}};
  for (const auto& style : {large, small})
    for (const auto& [width, height] : std::vector<std::pair<int, int>>{{16, 4320}, {7680, 16}, {1080, 1920}, {16, 16}}) {
      INFO(width << "x" << height << " size " << style.size);
      auto layout = captions::make_caption_layout(cues, {}, style, width, height, 24);
      REQUIRE(layout);
      CHECK(captions::check_layout_fits(**layout, width, height, 24));
    }
}

TEST_CASE("a chunk segment opens with an IDR frame and holds exactly its frames", "[chunks]") {
  test::temp_dir dir;
  render_spec spec = narrated_job(dir, 3.0);
  const std::string segment = dir.file("segment.mp4");
  auto chunk = render_chunk(spec, render_limits{}, 3.0, {10, 22}, segment);
  INFO((chunk ? std::string() : chunk.error().message));
  REQUIRE(chunk);
  CHECK(chunk->frames == 12);
  CHECK(chunk->file_size == static_cast<int64_t>(std::filesystem::file_size(segment)));
  auto info = test::probe_mp4(segment);
  CHECK(info.video.frame_count == 12);
  CHECK_FALSE(info.audio.present);
  // Only the segment itself: its temporary file was renamed into place.
  CHECK(std::distance(std::filesystem::directory_iterator(dir.path()), {}) == 5);

  auto outside = render_chunk(spec, render_limits{}, 3.0, {30, 40}, dir.file("outside.mp4"));
  REQUIRE_FALSE(outside);
  CHECK(outside.error().code == errc::input_invalid);
  CHECK(outside.error().message == "frames [30, 40) are not within the video's 36 frames");
  CHECK_FALSE(std::filesystem::exists(dir.file("outside.mp4")));
}

TEST_CASE("the stitcher refuses missing, short and mismatched segments and leaves no output", "[chunks]") {
  test::temp_dir dir;
  render_spec spec = narrated_job(dir, 3.0);
  REQUIRE(render_chunk(spec, render_limits{}, 3.0, {0, 12}, dir.file("a.mp4")));
  REQUIRE(render_chunk(spec, render_limits{}, 3.0, {12, 36}, dir.file("b.mp4")));
  const std::string out = dir.file("out.mp4");

  auto missing = stitch_segments({{dir.file("a.mp4"), {0, 12}}, {dir.file("none.mp4"), {12, 36}}}, 12, nullptr, out);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::input_missing);
  CHECK(missing.error().message == "cannot open the segment " + dir.file("none.mp4") + ": No such file or directory");

  auto short_one = stitch_segments({{dir.file("a.mp4"), {0, 13}}, {dir.file("b.mp4"), {13, 37}}}, 12, nullptr, out);
  REQUIRE_FALSE(short_one);
  CHECK(short_one.error().message == "the segment " + dir.file("a.mp4") + " holds 12 frames, expected 13");

  auto gap = stitch_segments({{dir.file("a.mp4"), {0, 12}}, {dir.file("b.mp4"), {14, 36}}}, 12, nullptr, out);
  REQUIRE_FALSE(gap);
  CHECK(gap.error().message == "the segment " + dir.file("b.mp4") + " holds frames [14, 36), expected to start at 12");

  render_spec other = spec;
  other.preset = "ultrafast";
  REQUIRE(render_chunk(other, render_limits{}, 3.0, {12, 36}, dir.file("c.mp4")));
  auto mismatched = stitch_segments({{dir.file("a.mp4"), {0, 12}}, {dir.file("c.mp4"), {12, 36}}}, 12, nullptr, out);
  REQUIRE_FALSE(mismatched);
  CHECK(mismatched.error().message ==
        "the segment " + dir.file("c.mp4") + " was encoded with other settings than " + dir.file("a.mp4"));

  CHECK_FALSE(std::filesystem::exists(out));
  auto joined = stitch_segments({{dir.file("a.mp4"), {0, 12}}, {dir.file("b.mp4"), {12, 36}}}, 12, nullptr, out);
  REQUIRE(joined);
  CHECK(test::probe_mp4(out).video.frame_count == 36);
}

// The owner of a chunked job draws the poster frame itself: it must be the
// picture the whole render captured on its way to the encoder, byte for byte.
TEST_CASE("the poster a chunked job's owner draws is the one the whole render captures", "[chunks][poster]") {
  test::temp_dir dir;
  render_spec spec = narrated_job(dir, 3.0);
  spec.pictures.fit = fit_mode::blur;
  spec.pictures.poster = true;
  spec.pictures.poster_time = 1.7;
  spec.output_path = dir.file("whole.mp4");
  const render_limits limits;
  auto whole = render_video(spec, limits);
  REQUIRE(whole);
  REQUIRE(whole->poster_path == dir.file("whole.jpg"));
  std::ifstream in(whole->poster_path, std::ios::binary);
  const std::string captured((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  REQUIRE(!captured.empty());

  const root_folders roots(spec.input_roots);
  auto audio = encode_narration(spec, limits, roots, nullptr);
  REQUIRE(audio);
  auto slides = checked_timeline(spec, limits, audio_seconds_of(*audio));
  REQUIRE(slides);
  auto frame = poster_frame(spec, *slides);
  REQUIRE(frame);
  REQUIRE(frame->has_value());
  CHECK(**frame == std::llround(1.7 * 12));
  auto drawn = render_poster_jpeg(spec, limits, roots, *slides, **frame, nullptr);
  REQUIRE(drawn);
  CHECK(*drawn == captured);
  auto outside = render_poster_jpeg(spec, limits, roots, *slides, slides->frame_count(), nullptr);
  REQUIRE_FALSE(outside);
  CHECK(outside.error().message == "frames [36, 37) are not within the video's 36 frames");

  // Captioned: the owner paints the layout the plan carries on its poster too.
  spec.captions.cues = {{1.0, 2.5, "On the poster"}};
  spec.output_path = dir.file("captioned.mp4");
  auto captioned = render_video(spec, limits);
  REQUIRE(captioned);
  std::ifstream captioned_in(captioned->poster_path, std::ios::binary);
  const std::string captioned_jpeg((std::istreambuf_iterator<char>(captioned_in)), std::istreambuf_iterator<char>());
  auto layout = captions::prepare_captions(spec, limits, roots);
  REQUIRE(layout);
  auto with_caption = render_poster_jpeg(spec, limits, roots, *slides, **frame, nullptr, *layout);
  REQUIRE(with_caption);
  CHECK(*with_caption == captioned_jpeg);
  CHECK(*with_caption != captured);
}
