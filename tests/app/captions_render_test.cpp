// Captions end to end through `video-service render`: real inputs, the real
// binary, the MP4 decoded back and caption pixels found by their colour
// (a saturated green on grey slides: nothing else in the picture is near it).

#include "tests/support/caption_fixtures.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/process.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

#include <cmath>
#include <filesystem>

using namespace vs::test;

namespace {

constexpr int width = 480;
constexpr int height = 270;
constexpr int fps = 12;
const std::string fast = " --resolution 480x270 --fps 12 --preset ultrafast --no-ken-burns ";
/// Green text, black outline: large enough to find at 480x270.
const std::string green_style = R"({"color":"#00FF00","size":0.1})";

std::string q(const std::string& path) { return shell_quote(path); }
std::string render_command(const std::string& args) { return q(video_service_binary()) + " render " + args; }

struct grey_job {
  temp_dir dir;
  std::string audio;
  std::string images;
  double green_u = 0, green_v = 0;

  explicit grey_job(double seconds = 4.0) {
    audio = dir.file("voice.mp3");
    write_test_audio(audio, seconds);
    for (int i = 0; i < 2; ++i) {
      std::string image = dir.file("grey" + std::to_string(i) + ".png");
      write_solid_png(image, 640, 360, 128, 128, 128);
      images += " " + q(image);
    }
    bt709_chroma(0, 255, 0, green_u, green_v);
  }

  command_output render(const std::string& output, const std::string& caption_args,
                        const std::string& style = green_style) const {
    return capture_command(render_command("--audio " + q(audio) + " -o " + q(output) + fast + caption_args +
                                          " --caption-style " + q(style) + images));
  }

  colour_hits green_in(const decoded_frame& frame) const { return find_colour(frame, green_u, green_v, 30); }
};

nlohmann::json result_line(const command_output& run) {
  auto end = run.out.find_last_not_of('\n');
  auto start = run.out.rfind('\n', end);
  return nlohmann::json::parse(run.out.substr(start == std::string::npos ? 0 : start + 1, end - start));
}

int64_t first_frame_at(double seconds) { return static_cast<int64_t>(std::ceil(seconds * fps - 1e-6)); }

/// Fraction of pixels set in exactly one of two masks of the same size.
double mask_difference(const std::vector<bool>& a, const std::vector<bool>& b) {
  size_t either = 0, one = 0;
  for (size_t i = 0; i < a.size(); ++i) {
    either += a[i] || b[i];
    one += a[i] != b[i];
  }
  return either == 0 ? 0.0 : static_cast<double>(one) / static_cast<double>(either);
}

} // namespace

TEST_CASE("caption pixels appear exactly in the frames of each cue and the .srt lies beside the video",
          "[cli][captions]") {
  grey_job job;
  std::string srt = job.dir.file("cues.srt");
  write_bytes(srt, "1\n00:00:00,500 --> 00:00:01,250\nFirst cue\n\n2\n00:00:01,500 --> 00:00:02,000\nSecond\n\n"
                   "3\n00:00:02,750 --> 00:00:03,500\nThird cue here\n");
  std::string output = job.dir.file("out.mp4");
  auto run = job.render(output, "--captions " + q(srt));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  CHECK(result_line(run)["captions_path"] == job.dir.file("out.srt"));

  struct window {
    double start, end;
  };
  const std::vector<window> cues{{0.5, 1.25}, {1.5, 2.0}, {2.75, 3.5}};
  auto frames = decode_frames(output);
  REQUIRE(frames.size() == 48);
  for (size_t k = 0; k < frames.size(); ++k) {
    bool inside = false;
    for (const auto& cue : cues)
      inside = inside || (static_cast<int64_t>(k) >= first_frame_at(cue.start) &&
                          static_cast<int64_t>(k) < first_frame_at(cue.end));
    INFO("frame " << k);
    auto hits = job.green_in(frames[k]);
    if (inside)
      CHECK(hits.count > 40);
    else
      CHECK(hits.count == 0);
  }

  auto exported = read_srt(job.dir.file("out.srt"));
  REQUIRE(exported.size() == 3);
  CHECK(exported[0].start == 0.5);
  CHECK(exported[0].end == 1.25);
  CHECK(exported[2].text == "Third cue here");
  for (const auto& entry : std::filesystem::directory_iterator(job.dir.path()))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("a long line wraps inside the frame and an unbreakable one shrinks into it", "[cli][captions]") {
  grey_job job(3.0);
  std::string cues = job.dir.file("long.json");
  write_bytes(cues, R"([
    {"start": 0.0, "end": 1.0, "text": "This is a very long caption line that could never fit on one line of this frame"},
    {"start": 1.0, "end": 2.0, "text": "这是一个很长的中文字幕用来测试换行是否正确并且不会超出画面"},
    {"start": 2.0, "end": 3.0, "text": "Donaudampfschifffahrtsgesellschaftskapitänsmütze"}])");
  std::string output = job.dir.file("long.mp4");
  auto run = job.render(output, "--captions " + q(cues), R"({"color":"#00FF00","size":0.12,"max_lines":3})");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto frames = decode_frames(output);
  const double font_px = 0.12 * height;
  for (int second = 0; second < 3; ++second) {
    INFO("cue " << second);
    auto hits = job.green_in(frames[static_cast<size_t>(second * fps + fps / 2)]);
    REQUIRE(hits.count > 100);
    CHECK(hits.x0 >= 4);
    CHECK(hits.x1 <= width - 5);
    CHECK(hits.y0 >= 4);
    CHECK(hits.y1 <= height - 5);
    if (second < 2)
      CHECK(hits.y1 - hits.y0 > 1.5 * font_px);  // wrapped: more than one line
  }
}

TEST_CASE("Cyrillic, CJK and Arabic captions render real glyphs, not missing-glyph boxes", "[cli][captions]") {
  grey_job job(4.0);
  // U+10FFFD is in no font: it draws the font's missing-glyph box, the
  // picture every glyph of a script would have without a fallback font.
  const std::string none = "\xF4\x8F\xBF\xBD";
  const std::vector<std::string> texts{"Привет мир", "你好世界", "مرحبا بالعالم"};
  auto boxes_for = [&](const std::string& text) {
    std::string out;
    for (unsigned char c : text)
      if (c == ' ')
        out += ' ';
      else if ((c & 0xC0) != 0x80)
        out += none;
    return out;
  };
  nlohmann::json cues = nlohmann::json::array();
  double t = 0;
  for (const auto& text : texts) {
    cues.push_back({{"start", t}, {"end", t + 0.5}, {"text", text}});
    cues.push_back({{"start", t + 0.5}, {"end", t + 1.0}, {"text", boxes_for(text)}});
    t += 1.0;
  }
  std::string file = job.dir.file("scripts.json");
  write_bytes(file, cues.dump());
  std::string output = job.dir.file("scripts.mp4");
  auto run = job.render(output, "--captions " + q(file), R"({"color":"#00FF00","size":0.2,"outline":0})");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto frames = decode_frames(output);
  for (size_t i = 0; i < texts.size(); ++i) {
    INFO(texts[i]);
    const decoded_frame& real = frames[static_cast<size_t>(i) * fps + 3];
    const decoded_frame& boxes = frames[static_cast<size_t>(i) * fps + fps / 2 + 3];
    auto real_hits = job.green_in(real);
    auto box_hits = job.green_in(boxes);
    REQUIRE(real_hits.count > 100);
    REQUIRE(box_hits.count > 20);  // hollow boxes: thin strokes
    // Compare the shapes over the larger of the two boxes, each from its own corner.
    int w = std::max(real_hits.x1 - real_hits.x0, box_hits.x1 - box_hits.x0) + 1;
    int h = std::max(real_hits.y1 - real_hits.y0, box_hits.y1 - box_hits.y0) + 1;
    auto real_mask = colour_mask(real, job.green_u, job.green_v, 30, real_hits.x0, real_hits.y0, w, h);
    auto box_mask = colour_mask(boxes, job.green_u, job.green_v, 30, box_hits.x0, box_hits.y0, w, h);
    CHECK(mask_difference(real_mask, box_mask) > 0.5);
  }
}

TEST_CASE("word timings highlight the word being spoken", "[cli][captions]") {
  grey_job job(3.0);
  std::string words = job.dir.file("words.json");
  write_bytes(words, R"({"words": [{"word": "one", "start": 0.0, "end": 0.5}, {"word": "two", "start": 0.5, "end": 1.0},
                                   {"word": "three", "start": 1.0, "end": 1.5}]})");
  std::string output = job.dir.file("karaoke.mp4");
  auto run = job.render(output, "--captions " + q(words),
                        R"({"color":"#00FF00","highlight_color":"#FF00FF","size":0.12})");
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto frames = decode_frames(output);
  double magenta_u = 0, magenta_v = 0;
  bt709_chroma(255, 0, 255, magenta_u, magenta_v);
  int previous_centre = -1;
  for (int word = 0; word < 3; ++word) {
    INFO("word " << word);
    const decoded_frame& frame = frames[static_cast<size_t>(word * fps / 2 + 3)];
    auto highlighted = find_colour(frame, magenta_u, magenta_v, 30);
    REQUIRE(highlighted.count > 30);
    CHECK(job.green_in(frame).count > 30);  // the other words
    int centre = (highlighted.x0 + highlighted.x1) / 2;
    CHECK(centre > previous_centre);  // the highlight moves along the phrase
    previous_centre = centre;
  }
  CHECK(find_colour(frames[30], magenta_u, magenta_v, 30).count == 0);  // 2.5 s: the phrase is gone
}

TEST_CASE("plain text is timed to the narration's phrases within 150 ms", "[cli][captions]") {
  temp_dir dir;
  // Four spoken phrases: lengths only roughly in proportion to their text.
  const std::vector<std::string> sentences{"The quick brown fox jumps over the dog.", "Then it rests.",
                                           "Later it runs into the dark forest again.", "The end."};
  const std::vector<tone_burst> bursts{{0.40, 2.1}, {3.05, 0.9}, {4.50, 2.6}, {7.60, 0.5}};
  std::string narration = dir.file("narration.wav");
  write_burst_narration(narration, 8.6, bursts);
  std::string image = dir.file("grey.png");
  write_solid_png(image, 640, 360, 128, 128, 128);
  std::string text;
  for (const auto& sentence : sentences)
    text += sentence + " ";
  std::string output = dir.file("timed.mp4");
  auto run = capture_command(render_command("--audio " + q(narration) + " -o " + q(output) + fast +
                                            " --captions-text " + q(text) + " --caption-style " + q(green_style) +
                                            " " + q(image)));
  INFO(run.err);
  REQUIRE(run.exit_code == 0);
  auto cues = read_srt(dir.file("timed.srt"));
  REQUIRE(cues.size() == sentences.size());
  for (size_t i = 0; i < cues.size(); ++i) {
    INFO("phrase " << i);
    CHECK(cues[i].text == sentences[i]);
    CHECK(std::abs(cues[i].start - bursts[i].start) <= 0.15);
  }
  // The pixels follow: the caption appears in the frame of its phrase's start.
  auto frames = decode_frames(output);
  double green_u = 0, green_v = 0;
  bt709_chroma(0, 255, 0, green_u, green_v);
  CHECK(find_colour(frames[static_cast<size_t>(first_frame_at(cues[0].start)) - 1], green_u, green_v, 30).count == 0);
  CHECK(find_colour(frames[static_cast<size_t>(first_frame_at(cues[0].start))], green_u, green_v, 30).count > 40);
}

TEST_CASE("bad captions exit 2 naming the line or field, leaving no files", "[cli][captions][errors]") {
  grey_job job(2.0);
  std::string malformed = job.dir.file("malformed.srt");
  write_bytes(malformed, "1\n00:00:00,000 --> 00:00:01,000\nok\n\n2\n00:00:01 --> 00:00:02,000\nbroken\n");
  std::string unordered = job.dir.file("unordered.srt");
  write_bytes(unordered, "1\n00:00:01,000 --> 00:00:02,000\nB\n\n2\n00:00:00,000 --> 00:00:01,000\nA\n");
  std::string good = job.dir.file("good.srt");
  write_bytes(good, "1\n00:00:00,000 --> 00:00:01,000\nfine\n");
  std::string output = job.dir.file("never.mp4");

  struct bad_case {
    std::string args;
    std::string style;
    std::string message;
  };
  const std::vector<bad_case> cases{
      {"--captions " + q(malformed), green_style,
       "captions file " + malformed + ", line 6: expected a time line like 00:00:01,000 --> 00:00:02,500, got "
       "\"00:00:01 --> 00:00:02,000\""},
      {"--captions " + q(unordered), green_style,
       "captions file " + unordered + ", line 6: the cue starts at 00:00:00,000, before the cue above it "
       "(00:00:01,000): cues must be in time order"},
      {"--captions " + q(good), R"({"font":"No Such Font Family"})",
       "caption_style.font \"No Such Font Family\" is not installed (fc-list lists the installed families)"},
      {"--captions " + q(job.dir.file("missing.srt")), green_style,
       "captions file " + job.dir.file("missing.srt") + " does not exist"},
      {"--captions " + q(good), R"({"position":"left"})",
       "caption_style.position must be bottom, center or top (got \"left\")"},
      {"--captions " + q(good), R"({"color":"green"})",
       "caption_style.color must be a colour like \"#FFFFFF\" or \"#000000A0\" (got \"green\")"},
      {"--captions " + q(good), R"({"size":2})", "caption_style.size must be between 0.01 and 0.25 of the frame height"},
      {"--captions " + q(good) + " --captions-text " + q("some text"), green_style,
       "captions and captions_text cannot both be given"},
  };
  for (const auto& bad : cases) {
    auto run = job.render(output, bad.args, bad.style);
    INFO(bad.args << " " << bad.style << "\nstderr: " << run.err);
    CHECK(run.exit_code == 2);
    CHECK(run.err == "video-service render: " + bad.message + "\n");
    CHECK_FALSE(std::filesystem::exists(output));
    CHECK_FALSE(std::filesystem::exists(job.dir.file("never.srt")));
  }
  for (const auto& entry : std::filesystem::directory_iterator(job.dir.path()))
    CHECK(entry.path().filename().string().find(".partial") == std::string::npos);
}

TEST_CASE("help documents the caption options", "[cli][captions]") {
  auto run = capture_command(render_command("--help"));
  CHECK(run.exit_code == 0);
  for (const char* option : {"--captions ", "--captions-text ", "--captions-text-file", "--caption-style"})
    CHECK(run.out.find(option) != std::string::npos);
}
