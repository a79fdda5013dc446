// Captions files and JSON into cues: SubRip, WebVTT and the JSON forms, and
// the errors for bad ones, which name the file, the line and the cause.

#include "media/captions/caption_file.hpp"
#include "media/captions/caption_layout.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>
#include <nlohmann/json.hpp>

using namespace vs;
using namespace vs::media::captions;

namespace {

const caption_limits limits;

timed_captions srt(const std::string& text) {
  auto parsed = parse_srt(text, "captions file x.srt", limits);
  if (!parsed)
    FAIL(parsed.error().message);
  return *parsed;
}

error srt_error(const std::string& text) {
  auto parsed = parse_srt(text, "captions file x.srt", limits);
  REQUIRE_FALSE(parsed);
  return parsed.error();
}

} // namespace

TEST_CASE("SubRip cues keep their times, lines and order", "[captions][parse]") {
  auto parsed = srt("\xEF\xBB\xBF" "1\r\n00:00:01,000 --> 00:00:02,500\r\nHello <i>there</i>\r\nsecond line\r\n\r\n"
                    "2\r\n00:00:02,500 --> 00:01:03,04\r\n{\\an8}Tom &amp; Jerry\r\n");
  REQUIRE(parsed.cues.size() == 2);
  CHECK(parsed.cues[0].start == Approx(1.0));
  CHECK(parsed.cues[0].end == Approx(2.5));
  CHECK(parsed.cues[0].text == "Hello there\nsecond line");
  CHECK(parsed.cues[1].start == Approx(2.5));
  CHECK(parsed.cues[1].end == Approx(63.04));
  CHECK(parsed.cues[1].text == "Tom & Jerry");
}

TEST_CASE("SubRip without blank lines between cues and with empty cues still parses", "[captions][parse]") {
  auto parsed = srt("1\n00:00:01,000 --> 00:00:02,000\nOne\n2\n00:00:02,000 --> 00:00:03,000\nTwo\n\n"
                    "3\n00:00:03,000 --> 00:00:04,000\n\n4\n00:00:04,000 --> 00:00:05,000\nFour\n");
  REQUIRE(parsed.cues.size() == 3);
  CHECK(parsed.cues[0].text == "One");
  CHECK(parsed.cues[1].text == "Two");
  CHECK(parsed.cues[2].text == "Four");
}

TEST_CASE("malformed SubRip names the line and what was expected", "[captions][parse][errors]") {
  auto bad_time = srt_error("1\n00:00:01,000 --> 00:00:02,000\nOne\n\n2\n00:00:02 --> 00:00:03,000\nTwo\n");
  CHECK(bad_time.code == errc::input_invalid);
  CHECK(bad_time.field == "captions");
  CHECK(bad_time.message == "captions file x.srt, line 6: expected a time line like 00:00:01,000 --> 00:00:02,500, "
                            "got \"00:00:02 --> 00:00:03,000\"");

  CHECK(srt_error("hello\n").message ==
        "captions file x.srt, line 1: expected a time line like 00:00:01,000 --> 00:00:02,500, got \"hello\"");
  CHECK(srt_error("7\n").message == "captions file x.srt, line 1: cue 7 has no time line after it");
  CHECK(srt_error("1\n00:00:01,000 --> 00:00:61,000\nx\n").message ==
        "captions file x.srt, line 2: expected a time line like 00:00:01,000 --> 00:00:02,500, got "
        "\"00:00:01,000 --> 00:00:61,000\"");
}

TEST_CASE("SubRip times out of order or backwards are refused with the line", "[captions][parse][errors]") {
  CHECK(srt_error("1\n00:00:05,000 --> 00:00:06,000\nA\n\n2\n00:00:04,000 --> 00:00:07,000\nB\n").message ==
        "captions file x.srt, line 6: the cue starts at 00:00:04,000, before the cue above it (00:00:05,000): cues "
        "must be in time order");
  CHECK(srt_error("1\n00:00:05,000 --> 00:00:04,000\nA\n").message ==
        "captions file x.srt, line 2: the cue ends at 00:00:04,000, not after its start at 00:00:05,000");
}

TEST_CASE("text that is not UTF-8 is refused with its line", "[captions][parse][errors]") {
  // Windows-1251 "Привет": the usual way a Russian .srt arrives broken.
  CHECK(srt_error("1\n00:00:01,000 --> 00:00:02,000\n\xCF\xF0\xE8\xE2\xE5\xF2\n").message ==
        "captions file x.srt, line 3: the text is not UTF-8 (save the file as UTF-8)");
}

TEST_CASE("WebVTT skips its header, notes and styles and reads cue settings away", "[captions][parse]") {
  auto parsed = parse_vtt("WEBVTT - a title\nKind: captions\n\nNOTE a comment\nspanning lines\n\nSTYLE\n::cue {}\n\n"
                          "intro\n00:01.500 --> 00:03.000 align:start line:0\n<v Roger>Hi <00:00:02.000>there\n\n"
                          "01:00:00.000 --> 01:00:01.250\nlate\n",
                          "captions file x.vtt", limits);
  REQUIRE(parsed);
  REQUIRE(parsed->cues.size() == 2);
  CHECK(parsed->cues[0].start == Approx(1.5));
  CHECK(parsed->cues[0].end == Approx(3.0));
  CHECK(parsed->cues[0].text == "Hi there");
  CHECK(parsed->cues[1].start == Approx(3600.0));
  CHECK(parsed->cues[1].end == Approx(3601.25));

  auto missing_header = parse_vtt("00:01.000 --> 00:02.000\nx\n", "captions file x.vtt", limits);
  REQUIRE_FALSE(missing_header);
  CHECK(missing_header.error().message == "captions file x.vtt, line 1: a WebVTT file must start with the line WEBVTT");
}

TEST_CASE("counts and sizes are bounded before cues pile up", "[captions][parse][limits]") {
  caption_limits small;
  small.max_cues = 2;
  std::string text;
  for (int i = 0; i < 3; ++i)
    text += std::to_string(i + 1) + "\n00:00:0" + std::to_string(i) + ",000 --> 00:00:0" + std::to_string(i + 1) +
            ",000\ncue\n\n";
  auto parsed = parse_srt(text, "captions file x.srt", small);
  REQUIRE_FALSE(parsed);
  CHECK(parsed.error().code == errc::input_too_large);
  CHECK(parsed.error().message == "captions file x.srt has more than 2 cues");

  auto json = nlohmann::json::array();
  for (int i = 0; i < 3; ++i)
    json.push_back({{"start", i}, {"end", i + 1}, {"text", "x"}});
  auto from_json = parse_caption_json(json, "captions", small);
  REQUIRE_FALSE(from_json);
  CHECK(from_json.error().message == "captions has 3 entries, over the limit of 2");
}

TEST_CASE("JSON cues and word timings, and their errors by entry", "[captions][parse]") {
  auto cues = parse_caption_json(nlohmann::json::parse(R"([{"start":0.5,"end":1.5,"text":"a"},{"start":1,"end":2,"text":"b"}])"),
                                 "captions", limits);
  REQUIRE(cues);
  REQUIRE(cues->cues.size() == 2);
  CHECK(cues->cues[1].start == 1.0);

  auto words = parse_caption_json(
      nlohmann::json::parse(R"({"words":[{"word":"hi","start":0.1,"end":0.3},{"text":"you","start":0.3,"end":0.3}]})"),
      "captions", limits);
  REQUIRE(words);
  REQUIRE(words->words.size() == 2);
  CHECK(words->words[1].text == "you");

  auto expect = [](const char* json, const std::string& message) {
    auto parsed = parse_caption_json(nlohmann::json::parse(json), "captions", limits);
    REQUIRE_FALSE(parsed);
    CHECK(parsed.error().field == "captions");
    CHECK(parsed.error().message == message);
  };
  expect(R"([{"start":2,"end":3,"text":"a"},{"start":1,"end":2,"text":"b"}])",
         "captions[1] starts at 1 s, before captions[0] (2 s): cues must be in time order");
  expect(R"([{"start":2,"end":1,"text":"a"}])", "captions[0].end (1) must be after its start (2)");
  expect(R"([{"start":"0:01","end":2,"text":"a"}])", "captions[0].start must be a number of seconds");
  expect(R"([{"start":1,"end":2}])", "captions[0].text is missing");
  expect(R"({"words":[{"word":"a","start":1,"end":0.5}]})", "captions.words[0].end (0.5) must be after its start (1)");
  expect(R"({"cues":[]})", "captions must be a captions file path, a list of cues [{\"start\", \"end\", \"text\"}] or "
                           "{\"words\": [{\"word\", \"start\", \"end\"}]}");
}

TEST_CASE("a captions file is read by extension, confined to the roots", "[captions][parse]") {
  test::temp_dir dir;
  test::write_bytes(dir.file("a.vtt"), "WEBVTT\n\n00:00.000 --> 00:01.000\nvtt\n");
  test::write_bytes(dir.file("a.json"), R"({"words":[{"word":"json","start":0,"end":1}]})");
  test::write_bytes(dir.file("a.srt"), "1\n00:00:00,000 --> 00:00:01,000\nsrt\n");
  test::write_bytes(dir.file("noext"), "WEBVTT\n\n00:00.000 --> 00:01.000\nsniffed\n");
  media::root_folders roots({dir.path().string()});
  CHECK(read_caption_file(dir.file("a.vtt"), roots, limits)->cues.at(0).text == "vtt");
  CHECK(read_caption_file(dir.file("a.json"), roots, limits)->words.at(0).text == "json");
  CHECK(read_caption_file(dir.file("a.srt"), roots, limits)->cues.at(0).text == "srt");
  CHECK(read_caption_file(dir.file("noext"), roots, limits)->cues.at(0).text == "sniffed");

  test::temp_dir outside;
  test::write_bytes(outside.file("b.srt"), "1\n00:00:00,000 --> 00:00:01,000\nx\n");
  auto forbidden = read_caption_file(outside.file("b.srt"), roots, limits);
  REQUIRE_FALSE(forbidden);
  CHECK(forbidden.error().code == errc::forbidden_path);
  CHECK(forbidden.error().field == "captions");
  auto missing = read_caption_file(dir.file("none.srt"), roots, limits);
  REQUIRE_FALSE(missing);
  CHECK(missing.error().code == errc::input_missing);
  CHECK(missing.error().message == "captions file " + dir.file("none.srt") + " does not exist");

  caption_limits tiny;
  tiny.max_file_bytes = 10;
  auto large = read_caption_file(dir.file("a.srt"), roots, tiny);
  REQUIRE_FALSE(large);
  CHECK(large.error().code == errc::input_too_large);
}

TEST_CASE("the exported .srt reads back as the cues it was written from, whatever their text", "[captions][parse]") {
  // Found by fuzz/captions_fuzz: a cue whose text holds "<i>1</i>" over a
  // malformed time line (read as text) was exported as "1" over a time line,
  // which started a cue of its own, out of order: the .srt beside the video
  // did not parse (nor would it in a player).
  auto parsed = srt("1\n00:00:00,004 --> 00:00:01,500\nHello\n<i>1</i>\n00:00:0,000 --> 00:00:01,500\nworld\n");
  REQUIRE(parsed.cues.size() == 1);
  const std::string exported = format_srt(parsed.cues, 1.5);
  auto again = parse_srt(exported, "the exported .srt", limits);
  INFO(exported);
  REQUIRE(again);
  REQUIRE(again->cues.size() == 1);
  CHECK(again->cues[0].start == Approx(0.004));
  CHECK(again->cues[0].text == "Hello\n1\n00:00:0,000 -> 00:00:01,500\nworld");

  // Also found by fuzz/captions_fuzz: a longer arrow "--->" in the text was
  // shortened by one dash into "-->", a time line again.
  auto arrows = srt("1\n00:00:00,004 --> 00:00:01,500\nHello\n<i>1</i>\n00:00:0,000 ---> 00:00:01,0\n----->x\n");
  REQUIRE(arrows.cues.size() == 1);
  const std::string exported_arrows = format_srt(arrows.cues, 1.5);
  INFO(exported_arrows);
  auto arrows_again = parse_srt(exported_arrows, "the exported .srt", limits);
  REQUIRE(arrows_again);
  REQUIRE(arrows_again->cues.size() == 1);
  CHECK(arrows_again->cues[0].text == "Hello\n1\n00:00:0,000 -> 00:00:01,0\n->x");

  // And a JSON cue holding a carriage return: readers break the line there,
  // so "\rlines" was a blank line that ended the cue (fuzz/captions_fuzz).
  const std::string carriage = format_srt({{0.0, 1.0, "\rines"}, {1.0, 2.0, "a\r\nb\rc"}}, 2.0);
  INFO(carriage);
  auto carriage_again = parse_srt(carriage, "the exported .srt", limits);
  REQUIRE(carriage_again);
  REQUIRE(carriage_again->cues.size() == 2);
  CHECK(carriage_again->cues[0].text == "ines");
  CHECK(carriage_again->cues[1].text == "a\nb\nc");

  // And a JSON cue whose text starts (or ends) with a line break: the blank
  // line it made right under the time line ended the cue there.
  const std::string leading = format_srt({{0.0, 1.0, "\nlines\n\n"}, {1.0, 2.0, " \n "}}, 2.0);
  INFO(leading);
  auto read = parse_srt(leading, "the exported .srt", limits);
  REQUIRE(read);
  REQUIRE(read->cues.size() == 1);
  CHECK(read->cues[0].text == "lines");
}
