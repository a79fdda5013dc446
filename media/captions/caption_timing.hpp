#pragma once
/// Timing plain narration text against the narration: phrase boundaries are
/// aligned with the pauses of the speech (dynamic programming: between two
/// aligned boundaries the phrases should be spoken at about the narration's
/// average rate; a boundary left inside speech and a pause passed over both
/// cost a little), so captions change when the voice does. Phrases between
/// two aligned pauses share that stretch of speech in proportion to their
/// length.

#include "media/captions/caption_cue.hpp"
#include "media/captions/voice_activity.hpp"

#include <string>
#include <vector>

namespace vs::media::captions {

/// `speech` in order; `audio_seconds` bounds the last cue. Without speech
/// the phrases share the whole length. A caption stays up through a pause of
/// up to a second and leaves half a second after the voice stops otherwise.
std::vector<caption_cue> time_phrases(const std::vector<std::string>& phrases,
                                      const std::vector<speech_segment>& speech, double audio_seconds);

} // namespace vs::media::captions
