// Auto-timing: voice activity on a decoded narration, and phrases laid onto
// the speech between its pauses.

#include "media/captions/caption_timing.hpp"
#include "media/captions/voice_activity.hpp"
#include "tests/support/caption_fixtures.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

using namespace vs;
using namespace vs::media::captions;

namespace {

narration_levels levels_of(const std::string& path) {
  auto levels = measure_narration(path, media::root_folders{}, {});
  REQUIRE(levels);
  return *levels;
}

std::vector<speech_segment> segments(std::initializer_list<std::pair<double, double>> list) {
  std::vector<speech_segment> out;
  for (auto [start, end] : list)
    out.push_back({start, end});
  return out;
}

} // namespace

TEST_CASE("voice activity finds tone bursts in a decoded narration to within 20 ms", "[captions][timing]") {
  test::temp_dir dir;
  std::vector<test::tone_burst> bursts{{0.5, 1.2}, {2.3, 0.8}, {3.5, 1.6}};
  // MP3 as the voice service writes it: the decoder's own delay must not shift the onsets.
  test::write_burst_narration(dir.file("bursts.wav"), 6.0, bursts);
  REQUIRE(test::run_command("ffmpeg -nostdin -loglevel error -y -i '" + dir.file("bursts.wav") +
                            "' -c:a libmp3lame -b:a 64k '" + dir.file("bursts.mp3") + "'") == 0);
  for (const char* name : {"bursts.wav", "bursts.mp3"}) {
    INFO(name);
    narration_levels levels = levels_of(dir.file(name));
    CHECK(levels.duration_seconds() == Approx(6.0).margin(0.06));
    auto speech = detect_speech(levels);
    REQUIRE(speech.size() == bursts.size());
    for (size_t i = 0; i < bursts.size(); ++i) {
      CHECK(speech[i].start == Approx(bursts[i].start).margin(0.02));
      CHECK(speech[i].end == Approx(bursts[i].start + bursts[i].duration).margin(0.02));
    }
  }
}

TEST_CASE("voice activity on silence and on a steady tone", "[captions][timing]") {
  test::temp_dir dir;
  test::write_burst_narration(dir.file("silence.wav"), 2.0, {});
  CHECK(detect_speech(levels_of(dir.file("silence.wav"))).empty());
  test::write_burst_narration(dir.file("steady.wav"), 2.0, {{0.0, 2.0}});
  auto steady = detect_speech(levels_of(dir.file("steady.wav")));
  REQUIRE(steady.size() == 1);
  CHECK(steady[0].start == 0.0);
  CHECK(steady[0].end == Approx(2.0).margin(0.02));
}

TEST_CASE("narration that is not audio is refused with its name", "[captions][timing][errors]") {
  test::temp_dir dir;
  test::write_bytes(dir.file("fake.mp3"), std::string(4096, 'x'));
  auto levels = measure_narration(dir.file("fake.mp3"), media::root_folders{}, {});
  REQUIRE_FALSE(levels);
  CHECK(levels.error().code == errc::input_invalid);
  CHECK(levels.error().message.find(dir.file("fake.mp3")) != std::string::npos);
}

TEST_CASE("one phrase per stretch of speech starts where the speech starts", "[captions][timing]") {
  // Phrase lengths only roughly match the speech (a real voice is not even).
  std::vector<std::string> phrases{"A fairly long first phrase here.", "Short one.", "The third phrase is medium.",
                                   "End."};
  auto speech = segments({{0.40, 2.0}, {2.7, 3.3}, {4.0, 6.1}, {6.6, 7.0}});
  auto cues = time_phrases(phrases, speech, 8.0);
  REQUIRE(cues.size() == 4);
  for (size_t i = 0; i < 4; ++i) {
    CHECK(cues[i].text == phrases[i]);
    CHECK(cues[i].start == Approx(speech[i].start));
  }
  CHECK(cues[0].end == Approx(2.7));   // held through a 0.7 s pause
  CHECK(cues[3].end == Approx(7.5));   // half a second after the voice stops
}

TEST_CASE("pauses inside a phrase are passed over and long pauses let the caption go", "[captions][timing]") {
  std::vector<std::string> phrases{"First sentence, with a comma in it.", "Second sentence after a long silence."};
  // A short pause at the comma, a long one between the sentences.
  auto speech = segments({{0.0, 0.8}, {1.1, 2.4}, {5.0, 7.2}});
  auto cues = time_phrases(phrases, speech, 8.0);
  REQUIRE(cues.size() == 2);
  CHECK(cues[0].start == 0.0);
  CHECK(cues[1].start == Approx(5.0));
  CHECK(cues[0].end == Approx(2.9));   // 0.5 s after the voice, not through 2.6 s of silence
}

TEST_CASE("more phrases than pauses share the speech by length", "[captions][timing]") {
  std::vector<std::string> phrases{"aaaa aaaa", "bbbb bbbb", "cccc cccc cccc cccc"};
  auto cues = time_phrases(phrases, segments({{1.0, 5.0}}), 6.0);
  REQUIRE(cues.size() == 3);
  CHECK(cues[0].start == 1.0);
  CHECK(cues[1].start == Approx(2.0).margin(0.05));
  CHECK(cues[2].start == Approx(3.0).margin(0.05));
  CHECK(cues[2].end == Approx(5.5));
  // No speech found at all: the whole narration is shared.
  auto spread = time_phrases(phrases, {}, 4.0);
  REQUIRE(spread.size() == 3);
  CHECK(spread[0].start == 0.0);
  CHECK(spread[2].end == 4.0);
}
