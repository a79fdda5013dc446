#include "media/captions/caption_timing.hpp"

#include "media/captions/phrase_splitter.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <map>

namespace vs::media::captions {

namespace {

/// A caption stays on screen through pauses up to this long.
constexpr double max_held_pause = 1.0;
/// After the voice stops for longer, the caption leaves this much later.
constexpr double linger = 0.5;
/// Costs of the alignment, in units of |ln(speaking-rate ratio)|: a phrase
/// boundary inside speech (no pause there), and a pause passed over inside a
/// phrase (a comma, a breath).
constexpr double interior_boundary_cost = 0.5;
constexpr double skipped_pause_cost = 0.15;
/// Boundaries and pauses one step of the alignment may pass over.
constexpr size_t max_step = 8;

/// Speech time (seconds of speech only, pauses left out) ↔ real time.
class speech_clock {
public:
  explicit speech_clock(const std::vector<speech_segment>& speech) : speech_(speech) {
    offsets_.push_back(0);
    for (const auto& segment : speech)
      offsets_.push_back(offsets_.back() + (segment.end - segment.start));
  }

  double total() const { return offsets_.back(); }
  /// Speech time of pause `j`, the one before segment j (0: the start, S: the end).
  double pause_at(size_t j) const { return offsets_[j]; }

  double real_time(double at) const {
    if (at >= total())
      return speech_.back().end;
    size_t j = static_cast<size_t>(std::upper_bound(offsets_.begin(), offsets_.end(), at) - offsets_.begin()) - 1;
    return speech_[j].start + (at - offsets_[j]);
  }

private:
  const std::vector<speech_segment>& speech_;
  std::vector<double> offsets_;  ///< offsets_[j]: speech time at which segment j starts
};

/// Which phrase boundaries sit on which pauses (boundary k → pause j), found
/// by dynamic programming over anchors (k, j): between two anchors the
/// phrases share the speech, and the cost is how far their speaking rate
/// is from the narration's average, plus the boundaries left inside speech
/// and the pauses passed over. Only anchors within `band` seconds of speech
/// of where the text alone would put them are tried, so long narrations
/// stay cheap. Empty if no alignment was found (then nothing snaps).
std::map<size_t, size_t> align_to_pauses(const std::vector<double>& weights, const speech_clock& clock,
                                         size_t segments) {
  const size_t phrases = weights.size();
  std::vector<double> prefix{0.0};
  for (double w : weights)
    prefix.push_back(prefix.back() + w);
  const double rate = clock.total() / prefix.back();  // speech seconds per unit of weight
  // How far the text-only estimate may drift from the voice: a random walk of
  // per-phrase errors, small next to 2 % of a long narration.
  const double band = std::max(20.0, 10.0 + 0.02 * clock.total());

  // Anchor candidates per boundary k: a contiguous range of pauses [low, high].
  std::vector<std::pair<size_t, size_t>> range(phrases + 1);
  range[0] = {0, 0};
  range[phrases] = {segments, segments};
  std::vector<double> pauses;  // speech times of the pauses between segments: 1 .. segments−1
  for (size_t j = 1; j < segments; ++j)
    pauses.push_back(clock.pause_at(j));
  for (size_t k = 1; k < phrases; ++k) {
    double ideal = prefix[k] * rate;
    auto first = std::lower_bound(pauses.begin(), pauses.end(), ideal - band);
    auto last = std::upper_bound(pauses.begin(), pauses.end(), ideal + band);
    // Pause j is pauses[j − 1]; an empty range has low > high.
    range[k] = {static_cast<size_t>(first - pauses.begin()) + 1, static_cast<size_t>(last - pauses.begin())};
  }
  constexpr double unreachable = std::numeric_limits<double>::infinity();
  struct cell {
    double cost = unreachable;
    size_t from_k = 0, from_j = 0;
  };
  std::vector<std::vector<cell>> best(phrases + 1);
  for (size_t k = 0; k <= phrases; ++k)
    best[k].resize(range[k].second >= range[k].first ? range[k].second - range[k].first + 1 : 0);
  best[0][0].cost = 0;
  for (size_t k2 = 1; k2 <= phrases; ++k2) {
    for (size_t j2 = range[k2].first; j2 <= range[k2].second && !best[k2].empty(); ++j2) {
      cell& target = best[k2][j2 - range[k2].first];
      for (size_t k1 = k2 >= max_step ? k2 - max_step : 0; k1 < k2; ++k1) {
        const double expected = (prefix[k2] - prefix[k1]) * rate;
        for (size_t j1 = std::max(range[k1].first, j2 >= max_step ? j2 - max_step : 0);
             j1 < j2 && j1 <= range[k1].second && !best[k1].empty(); ++j1) {
          const cell& source = best[k1][j1 - range[k1].first];
          if (source.cost == unreachable)
            continue;
          const double speech = clock.pause_at(j2) - clock.pause_at(j1);
          double cost = source.cost + std::abs(std::log(speech / expected)) +
                        interior_boundary_cost * static_cast<double>(k2 - k1 - 1) +
                        skipped_pause_cost * static_cast<double>(j2 - j1 - 1);
          if (cost < target.cost)
            target = {cost, k1, j1};
        }
      }
    }
  }
  std::map<size_t, size_t> anchors;
  if (best[phrases].empty() || best[phrases][0].cost == unreachable)
    return anchors;
  size_t k = phrases, j = segments;
  while (k > 0) {
    const cell& at = best[k][j - range[k].first];
    k = at.from_k;
    j = at.from_j;
    if (k > 0)
      anchors[k] = j;
  }
  return anchors;
}

} // namespace

std::vector<caption_cue> time_phrases(const std::vector<std::string>& phrases,
                                      const std::vector<speech_segment>& detected, double audio_seconds) {
  const size_t count = phrases.size();
  if (count == 0 || audio_seconds <= 0)
    return {};
  std::vector<speech_segment> speech = detected;
  if (speech.empty())
    speech.push_back({0.0, audio_seconds});
  const speech_clock clock(speech);

  std::vector<double> weights;
  for (const auto& phrase : phrases)
    weights.push_back(std::max(estimated_width(phrase), 0.5));
  std::map<size_t, size_t> snapped = align_to_pauses(weights, clock, speech.size());
  // Anchors: the ends and every snapped boundary; phrases between two anchors
  // share the speech between them in proportion to their weight.
  std::vector<double> position(count + 1);
  std::vector<std::pair<size_t, double>> anchors{{0, 0.0}};
  for (const auto& [k, j] : snapped)
    anchors.push_back({k, clock.pause_at(j)});
  anchors.push_back({count, clock.total()});
  for (size_t a = 0; a + 1 < anchors.size(); ++a) {
    auto [from, from_at] = anchors[a];
    auto [to, to_at] = anchors[a + 1];
    double span_weight = 0;
    for (size_t i = from; i < to; ++i)
      span_weight += weights[i];
    double at = from_at;
    for (size_t i = from; i < to; ++i) {
      position[i] = at;
      at += (to_at - from_at) * weights[i] / span_weight;
    }
  }
  position[count] = clock.total();

  std::vector<caption_cue> cues;
  for (size_t i = 0; i < count; ++i) {
    caption_cue cue;
    cue.text = phrases[i];
    auto start_pause = snapped.find(i);
    cue.start = i == 0 ? speech.front().start
                : start_pause != snapped.end() ? speech[start_pause->second].start
                                               : clock.real_time(position[i]);
    auto end_pause = snapped.find(i + 1);
    if (i + 1 == count) {
      cue.end = std::min(audio_seconds, speech.back().end + linger);
    } else if (end_pause != snapped.end()) {
      const size_t j = end_pause->second;
      double silence = speech[j].start - speech[j - 1].end;
      cue.end = silence <= max_held_pause ? speech[j].start : speech[j - 1].end + linger;
    } else {
      cue.end = clock.real_time(position[i + 1]);
    }
    cue.end = std::max(cue.end, cue.start + 0.01);
    cues.push_back(std::move(cue));
  }
  return cues;
}

} // namespace vs::media::captions
