// Caption text: UTF-8 checks, upper case in every cased script, cutting text
// into phrases and pages, grouping word timings, and ASS escaping.

#include "media/captions/ass_script.hpp"
#include "media/captions/phrase_splitter.hpp"
#include "media/captions/utf8.hpp"

#include <catch2/catch.hpp>

using namespace vs::media::captions;

TEST_CASE("UTF-8 validation points at the first bad byte", "[captions][text]") {
  CHECK(first_invalid_utf8("Привет, 世界 🎬") == std::string::npos);
  CHECK(first_invalid_utf8("ab\xC0\xAF") == 2);          // overlong '/'
  CHECK(first_invalid_utf8("a\xED\xA0\x80") == 1);       // a UTF-16 surrogate
  CHECK(first_invalid_utf8("ab\xE4\xB8") == 2);          // cut short
  CHECK(first_invalid_utf8("\xF4\x90\x80\x80") == 0);    // past U+10FFFF
  CHECK(encode_utf8(decode_utf8("Привет 世界 🎬")) == "Привет 世界 🎬");
}

TEST_CASE("upper case covers Cyrillic, Greek and accented Latin", "[captions][text]") {
  CHECK(to_upper("ёлка привет") == "ЁЛКА ПРИВЕТ");
  CHECK(to_upper("café αβγ straße") == "CAFÉ ΑΒΓ STRAßE");
  CHECK(to_upper("世界 123") == "世界 123");
}

TEST_CASE("text is cut at sentence ends, then clauses, then evenly", "[captions][text]") {
  CHECK(split_phrases("  Short one.   Another\n short one!  ", 40) ==
        std::vector<std::string>{"Short one.", "Another short one!"});
  // Clauses packed while they fit (9.2 + 7.3 ems, then 19.5 alone).
  CHECK(split_phrases("First clause here, second clause, and a much longer third clause follows.", 20) ==
        std::vector<std::string>{"First clause here, second clause,", "and a much longer third clause follows."});
  // A clause too long alone is cut evenly (8.9 and 10.4 ems).
  CHECK(split_phrases("First clause here, second clause, and a much longer third clause follows.", 14) ==
        std::vector<std::string>{"First clause here,", "second clause,", "and a much longer", "third clause follows."});
  // No punctuation at all: pieces of even width, none over the limit.
  auto even = split_phrases("one two three four five six seven eight nine ten eleven twelve", 14);
  REQUIRE(even.size() == 3);
  for (const auto& piece : even)
    CHECK(estimated_width(piece) <= 14);
  // A word longer than the limit stays whole.
  CHECK(split_phrases("Pneumonoultramicroscopicsilicovolcanoconiosis", 5).size() == 1);
}

TEST_CASE("CJK text is cut between characters, never before closing punctuation", "[captions][text]") {
  auto phrases = split_phrases("你好世界。这是一个很长的中文字幕用来测试换行是否正确", 6);
  REQUIRE(phrases.size() >= 3);
  CHECK(phrases[0] == "你好世界。");
  for (const auto& phrase : phrases) {
    CHECK(estimated_width(phrase) <= 6);
    CHECK(phrase.find(' ') == std::string::npos);
  }
  CHECK(join_words({"你好", "世界", "hello", "world"}) == "你好世界 hello world");
}

TEST_CASE("pages join phrases while they fit", "[captions][text]") {
  // Sentences of 9.2 and 14.4 ems: one page at 24, two at 20, and the
  // second cut in two at 12.
  CHECK(split_pages("Yes. No. Maybe so. Definitely not today though.", 24) ==
        std::vector<std::string>{"Yes. No. Maybe so. Definitely not today though."});
  CHECK(split_pages("Yes. No. Maybe so. Definitely not today though.", 20) ==
        std::vector<std::string>{"Yes. No. Maybe so.", "Definitely not today though."});
  CHECK(split_pages("Yes. No. Maybe so. Definitely not today though.", 12) ==
        std::vector<std::string>{"Yes. No. Maybe so.", "Definitely not", "today though."});
}

TEST_CASE("word timings group into short phrases", "[captions][text]") {
  std::vector<caption_word> words;
  const char* texts[] = {"one", "two", "three.", "four", "five", "six", "seven", "eight", "nine"};
  double t = 0;
  for (const char* text : texts) {
    words.push_back({t, t + 0.3, text});
    t += text == std::string("six") ? 1.5 : 0.35;  // a long pause after "six"
  }
  auto groups = group_words(words, 4, 100, 0.6);
  REQUIRE(groups.size() == 3);
  CHECK(groups[0].first == 0);  // one two three.  (a sentence ends)
  CHECK(groups[0].count == 3);
  CHECK(groups[1].first == 3);  // four five six  (then a pause)
  CHECK(groups[1].count == 3);
  CHECK(groups[2].first == 6);  // seven eight nine
  CHECK(groups[2].count == 3);

  std::vector<caption_word> run;
  for (int i = 0; i < 6; ++i)
    run.push_back({i * 0.3, i * 0.3 + 0.25, "word"});
  auto by_count = group_words(run, 4, 100, 0.6);
  REQUIRE(by_count.size() == 2);
  CHECK(by_count[0].count == 4);
  CHECK(by_count[1].count == 2);
  auto by_width = group_words(run, 4, 6, 0.6);  // "word word" is 5.6 ems
  REQUIRE(by_width.size() == 3);
  CHECK(by_width[0].count == 2);
}

TEST_CASE("caption text is escaped for ASS and gets CJK break opportunities", "[captions][text]") {
  CHECK(ass_text("a{b}c\nd") == "a\\{b\\}c\\Nd");
  CHECK(ass_text("C:\\new") == "C:\\\xE2\x80\x8Bnew");
  CHECK(ass_text("你好。") == "你{\\fscx0} {\\fscx100}好。");
  CHECK(ass_colour({0x11, 0x22, 0x33, 0xFF}) == "&H00332211");
  CHECK(ass_fill_override({0x11, 0x22, 0x33, 0x80}) == "{\\1c&H332211&\\1a&H7F&}");
}
