// The soundtrack (issue 9, items 5-7) through real renders: inputs made with
// ffmpeg's lavfi sources, the MP4 written by media::render_video, and the
// result measured with the ffmpeg CLI's own filters (ebur128, astats), not
// with the service's meter.

#include "media/render_job.hpp"
#include "media/root_folders.hpp"

#include "tests/support/audio_measure.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/mp4_probe.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <functional>

using namespace vs::media;
using namespace vs::test;
using vs::errc;

namespace {

void ffmpeg_make(const std::string& args) {
  REQUIRE(run_command("ffmpeg -nostdin -hide_banner -loglevel error -y " + args) == 0);
}

/// A 200 Hz tone spoken in bursts: `on` seconds of tone at `amplitude`,
/// `off` seconds of silence, over `seconds`; mono 24 kHz MP3 as the voice
/// service writes it. The gate's edges are low-passed: a hard edge clicks
/// across the spectrum (-42 dB at 4 kHz), as loud as a ducked bed, and the
/// tests would measure the clicks instead of the bed.
void write_bursts(const std::string& path, double seconds, double on, double off, double amplitude = 0.5) {
  char gate[200];
  std::snprintf(gate, sizeof gate, "volume='if(lt(mod(t,%g),%g),%g,0)':eval=frame,lowpass=f=400,lowpass=f=400",
                on + off, on, amplitude * 8);
  ffmpeg_make("-f lavfi -i 'sine=frequency=200:sample_rate=24000:duration=" + std::to_string(seconds) + "' -af \"" +
              gate + "\" -c:a libmp3lame -b:a 64k '" + path + "'");
}

/// A music bed: a 4 kHz tone (far from the voice, so a filter can tell them
/// apart) in stereo 44.1 kHz MP3.
void write_bed(const std::string& path, double seconds) {
  ffmpeg_make("-f lavfi -i 'sine=frequency=4000:sample_rate=44100:duration=" + std::to_string(seconds) +
              "' -ac 2 -c:a libmp3lame -b:a 128k '" + path + "'");
}

/// Keeps the 4 kHz bed, removes the 200 Hz voice.
const std::string& bed_only = above_2khz;

struct render_fixture {
  temp_dir dir;
  std::string image = dir.file("slide.png");

  render_fixture() { write_test_png(image, 320, 180); }

  render_spec spec(const std::string& audio, const std::string& output) const {
    render_spec spec;
    spec.audio_path = audio;
    spec.image_paths = {image};
    spec.output_path = dir.file(output);
    spec.width = 160;
    spec.height = 90;
    spec.fps = 24;
    spec.preset = "ultrafast";
    spec.ken_burns = false;
    return spec;
  }

  render_result render(const render_spec& spec) const {
    auto result = render_video(spec, render_limits{});
    if (!result)
      FAIL(result.error().message);
    return *result;
  }

  vs::error failure(const render_spec& spec) const {
    auto result = render_video(spec, render_limits{});
    REQUIRE_FALSE(result);
    return result.error();
  }

  /// The render fails with `code` and `message`, blaming music_path.
  void refuses_music(const render_spec& spec, errc code, const std::string& message) const {
    auto err = failure(spec);
    CHECK(err.code == code);
    CHECK(err.field == "music_path");
    CHECK(err.message == message);
  }
};

} // namespace

TEST_CASE("the soundtrack meets its loudness target with true peak at most -1 dBTP", "[audio][loudness]") {
  render_fixture f;
  // About -25 LUFS: needs +11 dB.
  auto quiet = f.dir.file("quiet.mp3");
  write_test_audio(quiet, 6.0);
  // Pink-noise phrases with clicks far above their loudness: normalising to
  // -14 LUFS puts the clicks over 0 dBFS, so only a limiter keeps the peak down.
  auto hot = f.dir.file("hot.wav");
  ffmpeg_make("-f lavfi -i 'anoisesrc=d=6:c=pink:r=44100:a=0.2:seed=3' -f lavfi -i 'sine=f=3000:r=44100:d=6' "
              "-filter_complex \"[0]volume='if(lt(mod(t,2),1.2),1,0)':eval=frame[a];"
              "[1]volume='if(lt(mod(t,0.5),0.003),3,0)':eval=frame[b];[a][b]amix=normalize=0\" -ac 1 '" +
              hot + "'");
  auto source = measure_ebur128(hot);
  INFO("hot narration: " << source.integrated << " LUFS, true peak " << source.true_peak << " dBTP");
  REQUIRE(source.true_peak + (-14 - source.integrated) > 1.0);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 4.0);

  struct job {
    const char* name;
    std::string audio;
    std::string music;
    double target;
  };
  const job jobs[] = {
    {"a quiet narration", quiet, "", -14},
    {"a narration whose peaks need limiting", hot, "", -14},
    {"a quiet narration over music", quiet, bed, -14},
    {"a hot narration over music at the EBU level", hot, bed, -23},
  };
  int index = 0;
  for (const auto& job : jobs) {
    auto spec = f.spec(job.audio, "loud" + std::to_string(index++) + ".mp4");
    spec.music_path = job.music;
    spec.loudness = job.target;
    f.render(spec);
    INFO(job.name);
    check_loudness(spec.output_path, job.target);
  }
}

TEST_CASE("loudness null leaves the narration at its own level", "[audio][loudness]") {
  render_fixture f;
  auto quiet = f.dir.file("quiet.mp3");
  write_test_audio(quiet, 4.0);
  auto spec = f.spec(quiet, "as_is.mp4");
  spec.loudness.reset();
  f.render(spec);
  auto source = measure_ebur128(quiet);
  auto output = measure_ebur128(spec.output_path);
  INFO("source " << source.integrated << " LUFS, output " << output.integrated << " LUFS");
  CHECK(std::abs(output.integrated - source.integrated) <= 0.3);
  CHECK(source.integrated < -20);
}

TEST_CASE("the music bed ducks under the voice, loops to the video and keeps its level in the pauses", "[audio][music]") {
  render_fixture f;
  // Speech 0-2 s, 4-6 s, 8-10 s; pauses 2-4 s, 6-8 s, 10-12 s. The bed lasts
  // 7 s, so the last pause hears its second time round.
  auto voice = f.dir.file("voice.mp3");
  write_bursts(voice, 12.0, 2.0, 2.0);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 7.0);
  auto spec = f.spec(voice, "ducked.mp4");
  spec.music_path = bed;
  spec.music_fade = 0.5;
  auto result = f.render(spec);
  CHECK(result.audio_seconds == Approx(12.0).margin(0.001));

  // Quarter-second windows of the bed alone. Speech: the middle of each
  // burst; pauses: a second after the voice stopped, when the bed is back
  // (and, in the last one, before the fade-out that starts at 11.5 s).
  auto levels = window_levels(spec.output_path, bed_only, 0.25);
  // 48 windows of the 12 s, and one more for the AAC padding the ffmpeg CLI decodes past the end.
  REQUIRE(levels.size() >= 48);
  const double speech[] = {mean_level(levels, 2, 7), mean_level(levels, 18, 23), mean_level(levels, 34, 39)};
  const double pauses[] = {mean_level(levels, 14, 16), mean_level(levels, 30, 32), mean_level(levels, 44, 46)};
  for (int i = 0; i < 3; ++i) {
    INFO("phrase " << i << ": bed at " << speech[i] << " dB under the voice, " << pauses[i] << " dB in the pause");
    CHECK(pauses[i] - speech[i] >= 8.0);
    CHECK(pauses[i] - speech[i] <= 12.0);
    CHECK(pauses[i] > -60.0);
    // Looped, not stopped: every pause hears the bed at the same level.
    CHECK(std::abs(pauses[i] - pauses[0]) <= 1.0);
  }
  // Faded in from silence and out to silence.
  CHECK(levels[0] < speech[0] - 6);
  CHECK(levels[47] < pauses[2] - 8);

  SECTION("ducking 0 leaves the bed alone") {
    auto flat = f.spec(voice, "flat.mp4");
    flat.music_path = bed;
    flat.ducking = 0;
    f.render(flat);
    auto flat_levels = window_levels(flat.output_path, bed_only, 0.25);
    INFO("bed under speech " << mean_level(flat_levels, 2, 7) << " dB, in the pause " << mean_level(flat_levels, 14, 16));
    CHECK(std::abs(mean_level(flat_levels, 2, 7) - mean_level(flat_levels, 14, 16)) <= 1.0);
  }
}

TEST_CASE("between words the bed stays down instead of pumping", "[audio][music]") {
  render_fixture f;
  // Words of 300 ms with 150 ms gaps, as speech goes.
  auto voice = f.dir.file("words.mp3");
  write_bursts(voice, 6.0, 0.3, 0.15);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 8.0);
  double mean[2] = {};
  for (int ducked = 0; ducked < 2; ++ducked) {
    auto spec = f.spec(voice, "words" + std::to_string(ducked) + ".mp4");
    spec.music_path = bed;
    spec.ducking = ducked ? 10 : 0;
    f.render(spec);
    // 50 ms windows from 1 s to 5 s: well inside the speech, away from the fades.
    auto levels = window_levels(spec.output_path, bed_only, 0.05);
    REQUIRE(levels.size() >= 100);
    std::vector<double> speech(levels.begin() + 20, levels.begin() + 100);
    auto [low, high] = std::minmax_element(speech.begin(), speech.end());
    INFO((ducked ? "ducked" : "not ducked") << ": bed between " << *low << " and " << *high << " dB");
    CHECK(*high - *low <= 3.0);
    mean[ducked] = mean_level(levels, 20, 100);
  }
  INFO("bed at " << mean[0] << " dB without ducking, " << mean[1] << " dB ducked");
  CHECK(mean[0] - mean[1] >= 8.0);
}

TEST_CASE("music_volume sets the bed's level relative to the voice in dB", "[audio][music]") {
  render_fixture f;
  auto voice = f.dir.file("voice.mp3");
  write_bursts(voice, 6.0, 2.0, 2.0);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 8.0);
  double pause_level[2] = {};
  const double volumes[2] = {-18, -6};
  for (int i = 0; i < 2; ++i) {
    auto spec = f.spec(voice, "volume" + std::to_string(i) + ".mp4");
    spec.music_path = bed;
    spec.music_volume = volumes[i];
    // Levels left alone, so only the bed's gain differs between the two.
    spec.loudness.reset();
    f.render(spec);
    pause_level[i] = mean_level(window_levels(spec.output_path, bed_only, 0.25), 14, 16);
  }
  INFO("bed at " << pause_level[0] << " dB with -18, " << pause_level[1] << " dB with -6");
  CHECK(pause_level[1] - pause_level[0] == Approx(12.0).margin(0.3));
}

TEST_CASE("without audio sync, narration and music are cut or padded to the slides and still normalised", "[audio][music]") {
  render_fixture f;
  auto voice = f.dir.file("voice.mp3");
  write_bursts(voice, 6.0, 1.0, 1.0);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 2.0);
  for (double seconds : {3.0, 9.0}) {
    auto spec = f.spec(voice, "fixed" + std::to_string(static_cast<int>(seconds)) + ".mp4");
    spec.sync_to_audio = false;
    spec.slide_duration = seconds;
    spec.music_path = bed;
    auto result = f.render(spec);
    INFO(seconds << " s of slides: " << result.audio_seconds << " s of audio");
    CHECK(result.audio_seconds == Approx(seconds).margin(1e-9));
    CHECK(container_duration(spec.output_path) == Approx(seconds).margin(0.001));
    check_loudness(spec.output_path, -14);
    // The bed plays to the end (looped), ducked under the voice or not.
    auto levels = window_levels(spec.output_path, bed_only, 0.5);
    REQUIRE(levels.size() >= static_cast<size_t>(seconds * 2));
    CHECK(levels[static_cast<size_t>(seconds * 2) - 3] > -60);
  }
}

TEST_CASE("a silent narration renders: nothing to normalise alone, the music normalised over it", "[audio][music]") {
  render_fixture f;
  auto silence = f.dir.file("silence.wav");
  ffmpeg_make("-f lavfi -i 'anullsrc=r=24000:cl=mono' -t 3 '" + silence + "'");
  auto alone = f.spec(silence, "silent.mp4");
  auto result = f.render(alone);
  CHECK(result.audio_seconds == Approx(3.0).margin(1e-9));
  CHECK(measure_ebur128(alone.output_path).true_peak < -100);

  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 4.0);
  auto with_music = f.spec(silence, "silent_music.mp4");
  with_music.music_path = bed;
  f.render(with_music);
  check_loudness(with_music.output_path, -14);
}

TEST_CASE("the output audio starts at t=0 with the narration's samples and lasts as long", "[audio][timing]") {
  render_fixture f;
  // Noise phrases: no period, so the cross-correlation has one clear peak.
  auto source = f.dir.file("source.wav");
  ffmpeg_make("-f lavfi -i 'anoisesrc=d=4:c=pink:r=48000:a=0.3:seed=11' -af \"volume='if(lt(mod(t,1),0.6),1,0)':"
              "eval=frame\" -ac 1 -c:a pcm_s16le '" + source + "'");
  const auto reference = decode_mono_48k(source);
  auto bed = f.dir.file("bed.mp3");
  write_bed(bed, 10.0);

  struct narration {
    const char* name;
    const char* args;    ///< ffmpeg output options making it from the source
    double padding;      ///< what the format may add at the end, seconds
  };
  const narration narrations[] = {
    // LAME tag: FFmpeg trims the delay and padding itself.
    {"voice.mp3", "-ar 24000 -c:a libmp3lame -b:a 64k", 0.001},
    // No tag (a streamed MP3): LAME's 1105-sample delay is trimmed by the
    // service; the end padding (under one 576-sample granule) cannot be known.
    {"streamed.mp3", "-ar 24000 -c:a libmp3lame -b:a 64k -write_xing 0", 576.0 / 24000 + 0.001},
    {"voice.wav", "-ar 44100 -ac 2 -c:a pcm_s16le", 0.001},
    // The mov demuxer trims the AAC priming, not the last frame's padding.
    {"voice.m4a", "-c:a aac -b:a 96k", 1024.0 / 48000 + 0.001},
  };
  int index = 0;
  for (const auto& input : narrations) {
    auto audio = f.dir.file(input.name);
    ffmpeg_make("-i '" + source + "' " + input.args + " '" + audio + "'");
    for (bool with_music : {false, true}) {
      auto spec = f.spec(audio, "timing" + std::to_string(index++) + ".mp4");
      if (with_music)
        spec.music_path = bed;
      auto result = f.render(spec);
      INFO(input.name << (with_music ? " with music" : "") << ": " << result.audio_seconds << " s of audio, "
                      << result.duration_seconds << " s of video");
      auto output = decode_mono_48k(spec.output_path);
      auto aligned = best_alignment(reference, output, 2400, 48000);
      INFO("best lag " << aligned.lag << " samples, correlation " << aligned.correlation);
      CHECK(std::abs(aligned.lag) <= 2);
      // Lossy narrations of full-band noise: MP3 at 24 kHz keeps nothing above 12 kHz.
      CHECK(aligned.correlation > (with_music ? 0.85 : 0.9));
      // The audio track ends on the narration's last sample (edit list), and
      // the player's duration is the one the service reports.
      CHECK(result.audio_seconds >= 4.0 - 0.001);
      CHECK(result.audio_seconds <= 4.0 + input.padding);
      auto probe = probe_mp4(spec.output_path);
      CHECK(probe.audio.duration == Approx(result.audio_seconds).margin(0.001));
      CHECK(container_duration(spec.output_path) == Approx(result.duration_seconds).margin(0.001));
      CHECK(std::abs(result.duration_seconds - 4.0) <= 1.0 / spec.fps + 1e-6);
    }
  }
}

TEST_CASE("bad music and loudness settings are refused naming the field", "[audio][errors]") {
  render_fixture f;
  auto voice = f.dir.file("voice.mp3");
  write_test_audio(voice, 3.0);

  SECTION("a missing music file") {
    auto spec = f.spec(voice, "out.mp4");
    spec.music_path = f.dir.file("absent.mp3");
    f.refuses_music(spec, errc::input_missing, "music file " + spec.music_path + " does not exist");
  }
  SECTION("a music file that is not audio") {
    auto spec = f.spec(voice, "out.mp4");
    spec.music_path = f.dir.file("notes.mp3");
    std::string text;
    for (int i = 0; i < 200; ++i)
      text += "this is not music, just text pretending to be an mp3\n";
    write_bytes(spec.music_path, text);
    f.refuses_music(spec, errc::input_invalid, "cannot read music file " + spec.music_path + ": Invalid argument");
  }
  SECTION("a music file with only a video stream") {
    auto spec = f.spec(voice, "out.mp4");
    spec.music_path = f.dir.file("video.mp4");
    ffmpeg_make("-f lavfi -i testsrc=d=1 -c:v mpeg4 '" + spec.music_path + "'");
    f.refuses_music(spec, errc::input_invalid, "music file " + spec.music_path + " has no audio stream");
  }
  SECTION("a music file outside the input roots") {
    std::filesystem::create_directories(f.dir.path() / "media");
    std::filesystem::create_directories(f.dir.path() / "elsewhere");
    auto inside = f.dir.file("media/voice.mp3");
    std::filesystem::copy_file(voice, inside);
    auto spec = f.spec(inside, "out.mp4");
    spec.image_paths = {f.dir.file("media/slide.png")};
    std::filesystem::copy_file(f.image, spec.image_paths[0]);
    spec.input_roots = {f.dir.file("media")};
    spec.music_path = f.dir.file("elsewhere/bed.mp3");
    write_bed(spec.music_path, 2.0);
    f.refuses_music(spec, errc::forbidden_path,
                    "music file " + spec.music_path + " is outside the allowed folders " +
                        root_folders(spec.input_roots).describe());
  }
  SECTION("a music file too short to loop") {
    auto spec = f.spec(voice, "out.mp4");
    spec.music_path = f.dir.file("blip.wav");
    ffmpeg_make("-f lavfi -i 'sine=f=4000:d=0.25' '" + spec.music_path + "'");
    f.refuses_music(spec, errc::input_invalid,
                    "music file " + spec.music_path +
                        " lasts 0.25 s, too short to loop under the narration (at least 1 s)");
  }
  SECTION("a music file over the audio file size limit, and one longer than the length limit") {
    // The bed is bounded like the narration: its bytes by max_audio_file_bytes
    // on the opened descriptor, its decoding by the narration's length (it is
    // never read further than the video), so a long bed is no reason to refuse.
    auto spec = f.spec(voice, "out.mp4");
    spec.music_path = f.dir.file("long_bed.mp3");
    write_bed(spec.music_path, 8.0);
    const auto size = static_cast<int64_t>(std::filesystem::file_size(spec.music_path));
    REQUIRE(static_cast<int64_t>(std::filesystem::file_size(voice)) < size);
    render_limits limits;
    limits.max_audio_file_bytes = size - 1;
    auto refused = render_video(spec, limits);
    REQUIRE_FALSE(refused);
    CHECK(refused.error().code == errc::input_too_large);
    CHECK(refused.error().field == "music_path");
    CHECK(refused.error().message == "music file " + spec.music_path + " is " + std::to_string(size) +
                                         " bytes, over the limit of " + std::to_string(size - 1) + " bytes");
    limits.max_audio_file_bytes = size;
    limits.max_audio_seconds = 5;
    auto rendered = render_video(spec, limits);
    REQUIRE(rendered);
    CHECK(rendered->audio_seconds == Approx(3.0).margin(0.001));
  }
  SECTION("out-of-range numbers") {
    struct bad {
      std::function<void(render_spec&)> set;
      const char* field;
      const char* message;
    };
    const bad values[] = {
      {[](render_spec& s) { s.music_volume = 7; }, "music_volume", "music_volume must be between -60 and 6 dB (got 7)"},
      {[](render_spec& s) { s.music_volume = -61; }, "music_volume", "music_volume must be between -60 and 6 dB (got -61)"},
      {[](render_spec& s) { s.music_fade = -1; }, "music_fade", "music_fade must be between 0 and 30 seconds (got -1)"},
      {[](render_spec& s) { s.ducking = 40.5; }, "ducking", "ducking must be between 0 and 40 dB (got 40.5)"},
      {[](render_spec& s) { s.loudness = -3; }, "loudness", "loudness must be between -40 and -5 LUFS (got -3)"},
      {[](render_spec& s) { s.loudness = NAN; }, "loudness", "loudness must be between -40 and -5 LUFS (got nan)"},
      {[](render_spec& s) { s.audio_path.clear(); s.sync_to_audio = false; s.music_path = "bed.mp3"; }, "music_path",
       "music_path needs a narration (audio_path) to play under"},
    };
    for (const auto& value : values) {
      auto spec = f.spec(voice, "out.mp4");
      value.set(spec);
      auto err = validate(spec, render_limits{});
      REQUIRE_FALSE(err);
      CHECK(err.error().code == errc::invalid_argument);
      CHECK(err.error().field == value.field);
      CHECK(err.error().message == value.message);
    }
    auto edge = f.spec(voice, "out.mp4");
    edge.music_volume = 6;
    edge.music_fade = 30;
    edge.ducking = 40;
    edge.loudness = -5;
    CHECK(validate(edge, render_limits{}));
  }
}
