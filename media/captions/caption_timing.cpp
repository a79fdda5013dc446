#include "media/captions/caption_timing.hpp"

#include "media/captions/phrase_splitter.hpp"

#include <algorithm>
#include <cmath>
#include <map>

namespace vs::media::captions {

namespace {

/// A caption stays on screen through pauses up to this long.
constexpr double max_held_pause = 1.0;
/// After the voice stops for longer, the caption leaves this much later.
constexpr double linger = 0.5;
/// A phrase boundary moves onto a pause at most this share of its neighbours' length.
constexpr double max_snap_share = 0.5;

/// Speech time (seconds of speech only, pauses left out) ↔ real time.
class speech_clock {
public:
  explicit speech_clock(const std::vector<speech_segment>& speech) : speech_(speech) {
    offsets_.push_back(0);
    for (const auto& segment : speech)
      offsets_.push_back(offsets_.back() + (segment.end - segment.start));
  }

  double total() const { return offsets_.back(); }
  /// Speech time at which pause `j` (between segment j−1 and j) lies.
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

struct snap {
  size_t boundary;  ///< k: between phrase k−1 and phrase k
  size_t pause;     ///< j: before segment j
  double distance;
};

/// Pauses picked for boundaries, greedily by closeness, never crossing:
/// boundary k → pause j. Boundary 0 and P are the ends.
std::map<size_t, size_t> snap_to_pauses(const std::vector<double>& ideal, const std::vector<double>& lengths,
                                        const speech_clock& clock, size_t pauses) {
  std::vector<snap> candidates;
  const size_t boundaries = ideal.size() - 1;  // ideal[0] = 0, ideal[P] = total
  for (size_t j = 1; j <= pauses; ++j) {
    double at = clock.pause_at(j);
    size_t above = static_cast<size_t>(std::lower_bound(ideal.begin(), ideal.end(), at) - ideal.begin());
    for (size_t k : {above - 1, above}) {
      if (k == 0 || k >= boundaries)
        continue;
      double distance = std::abs(ideal[k] - at);
      if (distance <= max_snap_share * std::min(lengths[k - 1], lengths[k]))
        candidates.push_back({k, j, distance});
    }
  }
  std::sort(candidates.begin(), candidates.end(), [](const snap& a, const snap& b) { return a.distance < b.distance; });
  std::map<size_t, size_t> chosen;
  std::vector<bool> pause_used(pauses + 1, false);
  for (const auto& candidate : candidates) {
    if (chosen.count(candidate.boundary) || pause_used[candidate.pause])
      continue;
    auto after = chosen.upper_bound(candidate.boundary);
    if (after != chosen.end() && after->second <= candidate.pause)
      continue;
    if (after != chosen.begin() && std::prev(after)->second >= candidate.pause)
      continue;
    chosen[candidate.boundary] = candidate.pause;
    pause_used[candidate.pause] = true;
  }
  return chosen;
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
  double total_weight = 0;
  for (double w : weights)
    total_weight += w;
  // Where each boundary falls if speech were spread evenly over the text.
  std::vector<double> ideal{0.0};
  std::vector<double> lengths;
  for (double w : weights) {
    lengths.push_back(clock.total() * w / total_weight);
    ideal.push_back(ideal.back() + lengths.back());
  }
  ideal.back() = clock.total();

  std::map<size_t, size_t> snapped = snap_to_pauses(ideal, lengths, clock, speech.size() - 1);
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
