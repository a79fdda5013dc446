#include "media/audio_encode.hpp"

#include "media/audio_aac.hpp"
#include "media/audio_mix.hpp"
#include "media/audio_pcm.hpp"
#include "media/loudness.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

namespace vs::media {

namespace {

/// Samples moved per step: both graph inputs advance by this much together.
constexpr int chunk_samples = 4096;
/// A bed shorter than this is refused when it would have to loop (reopening
/// a 10 ms file thousands of times is no music bed).
constexpr int64_t min_loop_samples = pcm_rate;
/// Speech this far below the voice's loudness still counts as speaking for the ducker.
constexpr double duck_key_range_db = 30;
/// First limiter ceiling: 1 dB under the promise leaves room for AAC, whose
/// decoded peaks overshoot the encoder's input by a few tenths of a dB.
constexpr double first_peak_limit_db = -2.0;
/// alimiter's lowest ceiling (0.0625).
constexpr double lowest_peak_limit_db = -24.0;
/// The output's true peak may not exceed this (EBU R128's -1 dBTP for lossy delivery).
constexpr double true_peak_ceiling_dbtp = -1.0;
/// A render this close to the target is kept; the promise (and the tests)
/// allow 0.5 LU, the rest is left for meters that differ.
constexpr double loudness_tolerance_lu = 0.2;
/// Renders of the mix at most: the first, then up to two with corrected gain.
constexpr int max_renders = 3;
/// Internal acceptance for the true peak: libebur128 and ffmpeg's ebur128
/// oversample differently and may disagree by a tenth of a dB or two.
constexpr double true_peak_margin_db = 0.2;

/// "1.5", "10800": limits are configured in seconds and read back as written.
std::string format_seconds(double seconds) {
  char text[32];
  std::snprintf(text, sizeof text, "%g", seconds);
  return text;
}

/// Music errors name the field, so a client knows which of its files is at fault.
error about_music(error failure) {
  if (failure.code != errc::cancelled)
    failure.field = "music_path";
  return failure;
}

/// Two planar float buffers of one chunk.
struct pcm_chunk {
  std::vector<float> left = std::vector<float>(chunk_samples);
  std::vector<float> right = std::vector<float>(chunk_samples);
  float* planes[pcm_channels] = {left.data(), right.data()};
};

/// The narration, trimmed or padded with silence to `length` when one is
/// set, and bounded by max_seconds as it is decoded.
class voice_feed {
public:
  voice_feed(std::unique_ptr<pcm_reader> reader, const confined_file& file, const audio_options& options,
             std::optional<int64_t> length)
      : reader_(std::move(reader)), file_(file), options_(options), length_(length) {}

  /// Up to `count` samples; 0 at the end.
  expected<int> next(float* const* planes, int count) {
    if (length_)
      count = static_cast<int>(std::min<int64_t>(count, *length_ - produced_));
    if (count <= 0)
      return 0;
    int got = 0;
    if (!reader_ended_) {
      auto read = reader_->read(planes, count);
      if (!read)
        return read.error();
      got = *read;
      reader_ended_ = got < count;
      // Checked as samples arrive, so a ten-hour file stops after the limit, not at its end.
      if (static_cast<double>(reader_->samples_read()) / pcm_rate > options_.max_seconds)
        return make_error(errc::input_too_large, "audio file " + file_.path() + " is longer than the limit of " +
                                                     format_seconds(options_.max_seconds) + " seconds");
    }
    if (length_ && got < count) {
      for (int channel = 0; channel < pcm_channels; ++channel)
        std::fill(planes[channel] + got, planes[channel] + count, 0.0f);
      got = count;
    }
    produced_ += got;
    return got;
  }

private:
  std::unique_ptr<pcm_reader> reader_;
  const confined_file& file_;
  const audio_options& options_;
  std::optional<int64_t> length_;
  int64_t produced_ = 0;
  bool reader_ended_ = false;
};

/// The music file over and over (reopened at its end, so a loop costs no
/// memory), exactly `length` samples.
class music_feed {
public:
  music_feed(const confined_file& file, int64_t length, const std::atomic<bool>* cancel)
      : file_(file), length_(length), cancel_(cancel) {}

  expected<int> next(float* const* planes, int count) {
    count = static_cast<int>(std::min<int64_t>(count, length_ - produced_));
    int filled = 0;
    while (filled < count) {
      if (!reader_) {
        auto opened = pcm_reader::open(file_, "music file", cancel_);
        if (!opened)
          return about_music(opened.error());
        reader_ = std::move(*opened);
      }
      float* at[pcm_channels] = {planes[0] + filled, planes[1] + filled};
      auto read = reader_->read(at, count - filled);
      if (!read)
        return about_music(read.error());
      filled += *read;
      if (filled < count) {
        if (reader_->samples_read() < min_loop_samples)
          return about_music(make_error(
              errc::input_invalid, "music file " + file_.path() + " lasts " +
                                       format_seconds(static_cast<double>(reader_->samples_read()) / pcm_rate) +
                                       " s, too short to loop under the narration (at least 1 s)"));
        reader_.reset();
      }
    }
    produced_ += filled;
    return filled;
  }

private:
  const confined_file& file_;
  int64_t length_;
  const std::atomic<bool>* cancel_;
  std::unique_ptr<pcm_reader> reader_;
  int64_t produced_ = 0;
};

/// Hands `feed`'s samples to `use`, a chunk at a time, until the feed ends.
template <class Feed>
status for_each_chunk(Feed& feed, const pcm_sink& use) {
  pcm_chunk chunk;
  for (;;) {
    auto got = feed.next(chunk.planes, chunk_samples);
    if (!got)
      return got.error();
    if (*got == 0)
      return {};
    if (auto used = use(chunk.planes, *got); !used)
      return used;
  }
}

/// Integrated loudness of all `feed` gives (LUFS, -infinity if silent);
/// adds the samples read to `*samples` when given.
template <class Feed>
expected<double> loudness_of(Feed& feed, int64_t* samples) {
  auto meter = loudness_meter::open(false);
  if (!meter)
    return meter.error();
  auto measured = for_each_chunk(feed, [&](const float* const* planes, int count) {
    if (samples != nullptr)
      *samples += count;
    return (*meter)->add(planes, count);
  });
  if (!measured)
    return measured.error();
  auto figures = (*meter)->figures();
  if (!figures)
    return figures.error();
  return figures->integrated;
}

/// What the analysis pass learns.
struct soundtrack_facts {
  int64_t samples = 0;           ///< the narration's length (or the fixed length)
  double voice_lufs = 0;         ///< -infinity: silent
  double music_lufs = 0;         ///< -infinity: silent or no music
};

class soundtrack {
public:
  soundtrack(const confined_file& voice, const confined_file* music, const audio_options& options,
             std::optional<int64_t> fixed_length)
      : voice_(voice), music_(music), options_(options), fixed_length_(fixed_length) {}

  expected<voice_feed> open_voice(std::optional<int64_t> length) const {
    auto reader = pcm_reader::open(voice_, "audio file", options_.cancel);
    if (!reader)
      return reader.error();
    return voice_feed(std::move(*reader), voice_, options_, length);
  }

  /// Pass 1: lengths and loudness of the inputs.
  expected<soundtrack_facts> analyse() const {
    soundtrack_facts facts;
    auto voice = open_voice(fixed_length_);
    if (!voice)
      return voice.error();
    auto voice_lufs = loudness_of(*voice, &facts.samples);
    if (!voice_lufs)
      return voice_lufs.error();
    facts.voice_lufs = *voice_lufs;
    facts.music_lufs = -HUGE_VAL;
    if (music_ == nullptr)
      return facts;
    // The bed's loudness over the part that will play (looped or cut).
    music_feed music(*music_, facts.samples, options_.cancel);
    auto music_lufs = loudness_of(music, nullptr);
    if (!music_lufs)
      return music_lufs.error();
    facts.music_lufs = *music_lufs;
    return facts;
  }

  /// The first mix for `facts`; nullopt when there is nothing to mix or normalise.
  std::optional<mix_settings> plan(const soundtrack_facts& facts) const {
    mix_settings mix;
    mix.total_samples = facts.samples;
    const bool voice_heard = std::isfinite(facts.voice_lufs);
    double expected_lufs = facts.voice_lufs;
    if (music_ != nullptr) {
      const music_options& music = *options_.music;
      mix.with_music = true;
      const double reference = voice_heard ? facts.voice_lufs : silent_voice_reference_lufs;
      if (std::isfinite(facts.music_lufs))
        mix.music_gain_db = reference + music.volume_db - facts.music_lufs;
      if (!voice_heard)
        expected_lufs = reference + music.volume_db;
      mix.fade_samples = std::min<int64_t>(std::llround(music.fade_seconds * pcm_rate), facts.samples / 2);
      // Nothing to duck under a silent narration.
      if (voice_heard && music.ducking_db > 0) {
        mix.ducking_db = music.ducking_db;
        mix.key_gain_db = duck_key_range_db - facts.voice_lufs;
      }
    }
    if (options_.loudness && std::isfinite(expected_lufs)) {
      mix.output_gain_db = *options_.loudness - expected_lufs;
      mix.peak_limit_db = first_peak_limit_db;
    }
    if (!mix.with_music && !mix.output_gain_db)
      return std::nullopt;
    return mix;
  }

  /// One render: the narration (through `mix` when given) into AAC.
  expected<encoded_audio> render(const std::optional<mix_settings>& mix, std::optional<int64_t> length) const {
    auto aac = aac_encoder::open(options_.bit_rate);
    if (!aac)
      return aac.error();
    auto voice = open_voice(length);
    if (!voice)
      return voice.error();
    const pcm_sink to_aac = [&](const float* const* planes, int samples) { return (*aac)->push(planes, samples); };
    if (!mix) {
      if (auto encoded = for_each_chunk(*voice, to_aac); !encoded)
        return encoded.error();
      return (*aac)->finish();
    }

    auto graph = audio_mix::open(*mix);
    if (!graph)
      return graph.error();
    std::optional<music_feed> music;
    if (mix->with_music)
      music.emplace(*music_, mix->total_samples, options_.cancel);
    pcm_chunk music_chunk;
    auto mixed = for_each_chunk(*voice, [&](const float* const* planes, int samples) -> status {
      if (auto pushed = (*graph)->push_voice(planes, samples); !pushed)
        return pushed;
      // The bed advances with the voice, so the graph holds at most a chunk of either.
      if (music) {
        auto bed = music->next(music_chunk.planes, samples);
        if (!bed)
          return bed.error();
        if (auto pushed = (*graph)->push_music(music_chunk.planes, *bed); !pushed)
          return pushed;
      }
      return (*graph)->pull(to_aac);
    });
    if (!mixed)
      return mixed.error();
    if (auto closed = (*graph)->close_inputs(); !closed)
      return closed.error();
    if (auto pulled = (*graph)->pull(to_aac); !pulled)
      return pulled.error();
    return (*aac)->finish();
  }

private:
  const confined_file& voice_;
  const confined_file* music_;
  const audio_options& options_;
  std::optional<int64_t> fixed_length_;
};

/// The encoded stream decoded as a player will and measured.
expected<loudness_figures> measure(const encoded_audio& audio) {
  auto meter = loudness_meter::open(true);
  if (!meter)
    return meter.error();
  status added;
  auto decoded = decode_encoded_audio(audio, [&](const float* const* planes, int samples) {
    if (added)
      added = (*meter)->add(planes, samples);
  });
  if (!decoded)
    return decoded.error();
  if (!added)
    return added.error();
  return (*meter)->figures();
}

/// Renders `mix` until the decoded output meets the loudness target and the
/// true-peak ceiling, correcting the gain (and the limiter) from what was
/// measured. The last render is kept whatever it measured, so a render that
/// misses is dropped before the next begins: one encoded stream in memory
/// at a time, as the job's memory estimate counts.
expected<encoded_audio> render_to_target(const soundtrack& track, mix_settings mix, double target) {
  for (int attempt = 1;; ++attempt) {
    auto encoded = track.render(mix, mix.total_samples);
    if (!encoded)
      return encoded.error();
    auto figures = measure(*encoded);
    if (!figures)
      return figures.error();
    const double miss = target - figures->integrated;
    const double over = figures->true_peak - (true_peak_ceiling_dbtp - true_peak_margin_db);
    if (attempt == max_renders || !std::isfinite(miss) || (std::abs(miss) <= loudness_tolerance_lu && over <= 0))
      return encoded;
    *mix.output_gain_db += miss;
    if (over > 0)
      mix.peak_limit_db = std::max(lowest_peak_limit_db, *mix.peak_limit_db - over - true_peak_margin_db);
  }
}

} // namespace

audio_options audio_options_for(const render_spec& spec, const render_limits& limits) {
  audio_options options;
  options.bit_rate = spec.audio_bitrate;
  options.max_file_bytes = limits.max_audio_file_bytes;
  options.max_seconds = limits.max_audio_seconds;
  options.loudness = spec.loudness;
  if (!spec.music_path.empty())
    options.music = music_options{spec.music_path, spec.music_volume, spec.music_fade, spec.ducking};
  return options;
}

expected<encoded_audio> encode_audio_file(const std::string& path, const audio_options& options,
                                          const root_folders& roots) {
  auto voice = confined_file::open(path, roots, "audio file", options.max_file_bytes);
  if (!voice)
    return voice.error();
  std::optional<confined_file> music;
  if (options.music) {
    auto opened = confined_file::open(options.music->path, roots, "music file", options.max_file_bytes);
    if (!opened)
      return about_music(opened.error());
    music.emplace(std::move(*opened));
  }
  std::optional<int64_t> fixed_length;
  if (options.fixed_seconds) {
    double samples = *options.fixed_seconds * pcm_rate;
    if (!std::isfinite(samples) || std::llround(samples) <= 0)
      return make_error(errc::invalid_argument,
                        "the fixed audio length must be positive, not " + format_seconds(*options.fixed_seconds));
    fixed_length = std::llround(samples);
  }
  if (options.cancel != nullptr && options.cancel->load())
    return make_error(errc::cancelled, "the job was cancelled while encoding audio file " + path);

  soundtrack track(*voice, music ? &*music : nullptr, options, fixed_length);
  // Narration alone at its own level: one pass, no graph, as it always was.
  if (!music && !options.loudness)
    return track.render(std::nullopt, fixed_length);
  auto facts = track.analyse();
  if (!facts)
    return facts.error();
  auto mix = track.plan(*facts);
  if (!mix)  // a silent narration, nothing to mix: normalising silence changes nothing
    return track.render(std::nullopt, facts->samples);
  if (!mix->output_gain_db)
    return track.render(*mix, facts->samples);
  return render_to_target(track, *mix, *options.loudness);
}

} // namespace vs::media
