#include "media/audio_encode.hpp"

#include "media/av_util.hpp"
#include "tests/support/fixtures.hpp"
#include "tests/support/temp_dir.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <cmath>
#include <cstring>
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>
#include <vector>

using namespace vs::media;
using vs::errc;
using vs::test::temp_dir;
using vs::test::write_test_audio;

namespace {

/// These tests are about decoding, not confinement (confined_file_test).
const root_folders anywhere{};

/// Left channel of the encoded stream decoded back with FFmpeg's AAC decoder,
/// priming included (raw packets carry no skip side data).
std::vector<float> decode_left_channel(const encoded_audio& audio) {
  const AVCodec* codec = avcodec_find_decoder(AV_CODEC_ID_AAC);
  av::codec_context_ptr decoder(avcodec_alloc_context3(codec));
  av::packet_ptr packet(av_packet_alloc());
  av::frame_ptr frame(av_frame_alloc());
  if (!decoder || !packet || !frame)
    throw std::runtime_error("out of memory");
  decoder->sample_rate = audio.sample_rate;
  av_channel_layout_default(&decoder->ch_layout, audio.channels);
  decoder->extradata_size = static_cast<int>(audio.extradata.size());
  decoder->extradata = static_cast<uint8_t*>(av_mallocz(audio.extradata.size() + AV_INPUT_BUFFER_PADDING_SIZE));
  std::memcpy(decoder->extradata, audio.extradata.data(), audio.extradata.size());
  if (avcodec_open2(decoder.get(), codec, nullptr) < 0)
    throw std::runtime_error("cannot open the AAC decoder");
  std::vector<float> left;
  auto receive = [&] {
    while (avcodec_receive_frame(decoder.get(), frame.get()) >= 0) {
      if (frame->format != AV_SAMPLE_FMT_FLTP)
        throw std::runtime_error("unexpected AAC decoder output format");
      auto* samples = reinterpret_cast<const float*>(frame->data[0]);
      left.insert(left.end(), samples, samples + frame->nb_samples);
      av_frame_unref(frame.get());
    }
  };
  for (const auto& source : audio.packets) {
    if (av_new_packet(packet.get(), static_cast<int>(source.data.size())) < 0)
      throw std::runtime_error("out of memory");
    std::memcpy(packet->data, source.data.data(), source.data.size());
    packet->pts = source.pts;
    if (avcodec_send_packet(decoder.get(), packet.get()) < 0)
      throw std::runtime_error("the AAC decoder rejected a packet");
    av_packet_unref(packet.get());
    receive();
  }
  avcodec_send_packet(decoder.get(), nullptr);
  receive();
  return left;
}

/// Root mean square of `samples[from, to)` in seconds of the real audio
/// (the encoder's priming is skipped).
double rms(const std::vector<float>& samples, const encoded_audio& audio, double from, double to) {
  auto first = static_cast<size_t>(audio.initial_padding + std::lround(from * audio.sample_rate));
  auto last = std::min(samples.size(), static_cast<size_t>(audio.initial_padding + std::lround(to * audio.sample_rate)));
  if (first >= last)
    throw std::runtime_error("empty RMS window");
  double sum = 0;
  for (size_t i = first; i < last; ++i)
    sum += static_cast<double>(samples[i]) * samples[i];
  return std::sqrt(sum / static_cast<double>(last - first));
}

/// The stream-level promises every successful result keeps.
void check_stream(const encoded_audio& audio) {
  CHECK(audio.sample_rate == 48000);
  CHECK(audio.channels == 2);
  CHECK(audio.bit_rate == 128000);
  CHECK(audio.frame_size == 1024);
  // FFmpeg 5.1's native AAC encoder primes with one frame.
  CHECK(audio.initial_padding == 1024);
  CHECK_FALSE(audio.extradata.empty());
  REQUIRE_FALSE(audio.packets.empty());
  // Observed: pts start at -initial_padding and advance by one frame per packet.
  CHECK(audio.packets.front().pts == -audio.initial_padding);
  for (size_t i = 1; i < audio.packets.size(); ++i)
    REQUIRE(audio.packets[i].pts > audio.packets[i - 1].pts);
  for (size_t i = 0; i + 1 < audio.packets.size(); ++i)
    REQUIRE(audio.packets[i].duration == 1024);
  for (const auto& packet : audio.packets)
    REQUIRE_FALSE(packet.data.empty());
  // The packets cover every real sample and no more: the last frame is
  // padded with silence, but its duration ends on the last real sample, so
  // the MP4's edit list (and the player's duration) ends there too.
  const auto& last = audio.packets.back();
  CHECK(last.pts < audio.sample_count);
  CHECK(last.pts + last.duration == audio.sample_count);
}

/// Zeroes the part [from, to) (fractions) of an MP4's media data, leaving the
/// container intact: the demuxer still delivers every packet, the decoder
/// cannot make sense of the zeroed ones.
void zero_media_data(const std::string& path, double from, double to) {
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto box = bytes.find("mdat");
  if (box == std::string::npos || box < 4)
    throw std::runtime_error("no mdat box in " + path);
  size_t size = 0;
  for (size_t i = box - 4; i < box; ++i)
    size = size << 8 | static_cast<uint8_t>(bytes[i]);
  size_t payload = box + 4, length = size - 8;
  auto first = payload + static_cast<size_t>(from * static_cast<double>(length));
  auto last = payload + static_cast<size_t>(to * static_cast<double>(length));
  std::fill(bytes.begin() + static_cast<std::ptrdiff_t>(first), bytes.begin() + static_cast<std::ptrdiff_t>(last), '\0');
  vs::test::write_bytes(path, bytes);
}

vs::error failure(const std::string& path, const audio_options& options = {}) {
  auto result = encode_audio_file(path, options, anywhere);
  REQUIRE_FALSE(result);
  return result.error();
}

} // namespace

TEST_CASE("every narration format becomes 48 kHz stereo AAC of the same length", "[audio]") {
  struct input {
    const char* name;
    int sample_rate;
    int channels;
    double tolerance;
  };
  // MP3: libmp3lame writes its delay and padding into the LAME tag and FFmpeg's
  // demuxer trims both ends with it: measured exact (0 ms) at several lengths.
  // M4A: the mov demuxer trims the priming (edit list) but not the padding of
  // the last frame: up to 1023 samples at the source rate (23 ms at 44.1 kHz;
  // 43 ms at 24 kHz, hence 44.1 kHz here). WAV, Ogg/Opus and FLAC are exact.
  const input inputs[] = {
    {"voice.mp3", 24000, 1, 0.001}, {"music.wav", 44100, 2, 0.001}, {"clip.m4a", 44100, 2, 0.030},
    {"clip.ogg", 48000, 2, 0.001},  {"clip.flac", 22050, 1, 0.001},
  };
  temp_dir dir;
  const double seconds = 2.5;
  for (const auto& in : inputs) {
    auto path = dir.file(in.name);
    write_test_audio(path, seconds, in.sample_rate, in.channels);
    auto audio = encode_audio_file(path, {}, anywhere);
    INFO(in.name);
    REQUIRE(audio);
    double measured = audio->duration_seconds();
    INFO("decoded " << measured << " s of " << seconds << " s");
    CHECK(std::abs(measured - seconds) <= in.tolerance);
    check_stream(*audio);
    auto decoded = decode_left_channel(*audio);
    // The tone (amplitude 1/8 with tremolo) is audible in the decoded AAC.
    CHECK(rms(decoded, *audio, 0.1, 2.4) > 0.02);
  }
}

TEST_CASE("an MP3 without a LAME tag loses LAME's standard delay", "[audio]") {
  // A streamed MP3 (no Xing/LAME header) cannot say how much priming it has,
  // and FFmpeg keeps it: libmp3lame's 576-sample delay plus the decoder's 529
  // (46 ms at 24 kHz) used to start every such narration late. The service
  // trims those 1105 samples (the figure FFmpeg itself adds to a tag's delay);
  // the end padding, up to one 576-sample granule, cannot be known and stays.
  // (audio_mix_test checks the first sample lines up with the source.)
  temp_dir dir;
  auto path = dir.file("streamed.mp3");
  REQUIRE(vs::test::run_command("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i "
                                "'sine=frequency=440:sample_rate=24000:duration=2.5' -ac 1 "
                                "-c:a libmp3lame -b:a 64k -write_xing 0 '" + path + "'") == 0);
  auto audio = encode_audio_file(path, {}, anywhere);
  REQUIRE(audio);
  double excess = audio->duration_seconds() - 2.5;
  INFO("decoded " << excess * 1000 << " ms more than generated");
  CHECK(excess >= 0);
  CHECK(excess <= 576.0 / 24000 + 0.001);
  check_stream(*audio);
}

TEST_CASE("a fixed length trims or pads to exactly that many samples", "[audio]") {
  temp_dir dir;
  auto path = dir.file("voice.wav");
  write_test_audio(path, 2.0, 44100, 1);

  SECTION("shorter than the input") {
    audio_options options;
    options.fixed_seconds = 1.25;
    auto audio = encode_audio_file(path, options, anywhere);
    REQUIRE(audio);
    CHECK(audio->sample_count == 60000);
    check_stream(*audio);
    CHECK(rms(decode_left_channel(*audio), *audio, 0.1, 1.2) > 0.02);
  }
  SECTION("longer than the input: silence after the narration") {
    audio_options options;
    options.fixed_seconds = 3.5;
    auto audio = encode_audio_file(path, options, anywhere);
    REQUIRE(audio);
    CHECK(audio->sample_count == 168000);
    check_stream(*audio);
    auto decoded = decode_left_channel(*audio);
    CHECK(rms(decoded, *audio, 0.1, 1.9) > 0.02);
    CHECK(rms(decoded, *audio, 2.1, 3.5) < 1e-3);
  }
  SECTION("a length that is not a whole number of samples rounds") {
    audio_options options;
    options.fixed_seconds = 1.0 / 3.0;
    auto audio = encode_audio_file(path, options, anywhere);
    REQUIRE(audio);
    CHECK(audio->sample_count == 16000);
  }
  SECTION("a length that is not positive is refused") {
    audio_options options;
    options.fixed_seconds = 0.0;
    auto err = failure(path, options);
    CHECK(err.code == errc::invalid_argument);
    CHECK(err.message == "the fixed audio length must be positive, not 0");
  }
}

TEST_CASE("a truncated MP3 yields the audio before the cut", "[audio]") {
  temp_dir dir;
  auto whole = dir.file("whole.mp3");
  write_test_audio(whole, 4.0, 24000, 1);
  auto size = std::filesystem::file_size(whole);
  auto cut = dir.file("cut.mp3");
  std::filesystem::copy_file(whole, cut);
  std::filesystem::resize_file(cut, size / 2);
  // Behaviour chosen: like the ffmpeg CLI, a damaged tail ends the stream and
  // what decoded counts (the LAME tag's length is ignored; samples are counted).
  auto audio = encode_audio_file(cut, {}, anywhere);
  REQUIRE(audio);
  INFO("decoded " << audio->duration_seconds() << " s of a 4 s file cut in half");
  CHECK(audio->duration_seconds() > 1.7);
  CHECK(audio->duration_seconds() < 2.1);
  check_stream(*audio);
}

TEST_CASE("damaged packets are skipped once audio has decoded", "[audio]") {
  temp_dir dir;
  auto path = dir.file("damaged.m4a");
  write_test_audio(path, 4.0, 44100, 2);
  zero_media_data(path, 0.45, 0.55);
  auto audio = encode_audio_file(path, {}, anywhere);
  REQUIRE(audio);
  INFO("decoded " << audio->duration_seconds() << " s of 4 s with a tenth zeroed");
  CHECK(audio->duration_seconds() > 3.4);
  CHECK(audio->duration_seconds() < 3.9);
  check_stream(*audio);
}

TEST_CASE("unusable audio files are refused with messages naming them", "[audio]") {
  temp_dir dir;

  SECTION("missing") {
    auto path = dir.file("absent.mp3");
    auto err = failure(path);
    CHECK(err.code == errc::input_missing);
    CHECK(err.message == "audio file " + path + " does not exist");
  }
  SECTION("a directory") {
    auto path = dir.path().string();
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    CHECK(err.message == "audio file " + path + " is not a regular file");
  }
  SECTION("empty") {
    auto path = dir.file("empty.mp3");
    vs::test::write_bytes(path, "");
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    CHECK(err.message == "audio file " + path + " is empty");
  }
  SECTION("garbage named .mp3") {
    auto path = dir.file("garbage.mp3");
    std::string text;
    for (int i = 0; i < 200; ++i)
      text += "this is not audio, just text pretending to be an mp3\n";
    vs::test::write_bytes(path, text);
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    // The mp3 demuxer claims the file by its extension (score 1) and then fails
    // to size a frame; FFmpeg 5.1 reports that as EINVAL.
    CHECK(err.message == "cannot read audio file " + path + ": Invalid argument");
  }
  SECTION("an M4A whose every packet is damaged") {
    auto path = dir.file("zeroed.m4a");
    write_test_audio(path, 2.0, 44100, 2);
    zero_media_data(path, 0.0, 1.0);
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    CHECK(err.message == "cannot decode audio file " + path + ": Invalid data found when processing input");
  }
  SECTION("only a video stream") {
    auto path = dir.file("video.mp4");
    REQUIRE(vs::test::run_command("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i testsrc=d=1 "
                                  "-c:v mpeg4 '" + path + "'") == 0);
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    CHECK(err.message == "audio file " + path + " has no audio stream");
  }
  SECTION("a WAV header without samples") {
    auto path = dir.file("silent.wav");
    REQUIRE(vs::test::run_command("ffmpeg -nostdin -hide_banner -loglevel error -y -f lavfi -i anullsrc -t 0 '" +
                                  path + "'") == 0);
    auto err = failure(path);
    CHECK(err.code == errc::input_invalid);
    CHECK(err.message == "audio file " + path + " contains no audio samples");
  }
  SECTION("bigger than max_file_bytes") {
    auto path = dir.file("voice.mp3");
    write_test_audio(path, 1.0);
    auto size = static_cast<int64_t>(std::filesystem::file_size(path));
    audio_options options;
    options.max_file_bytes = size - 1;
    auto err = failure(path, options);
    CHECK(err.code == errc::input_too_large);
    CHECK(err.message == "audio file " + path + " is " + std::to_string(size) + " bytes, over the limit of " +
                             std::to_string(size - 1) + " bytes");
    options.max_file_bytes = size;
    CHECK(encode_audio_file(path, options, anywhere));
  }
  SECTION("longer than max_seconds") {
    auto path = dir.file("long.flac");
    write_test_audio(path, 3.0);
    audio_options options;
    options.max_seconds = 1.5;
    auto err = failure(path, options);
    CHECK(err.code == errc::input_too_large);
    CHECK(err.message == "audio file " + path + " is longer than the limit of 1.5 seconds");
    // A fixed length within the limit stops decoding before the limit is reached.
    options.fixed_seconds = 1.0;
    auto trimmed = encode_audio_file(path, options, anywhere);
    REQUIRE(trimmed);
    CHECK(trimmed->sample_count == 48000);
  }
  SECTION("cancelled before the call") {
    auto path = dir.file("voice.mp3");
    write_test_audio(path, 1.0);
    std::atomic<bool> cancel{true};
    audio_options options;
    options.cancel = &cancel;
    auto err = failure(path, options);
    CHECK(err.code == errc::cancelled);
    CHECK(err.message == "the job was cancelled while encoding audio file " + path);
  }
}
