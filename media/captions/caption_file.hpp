#pragma once
/// Captions files: SubRip (.srt), WebVTT (.vtt) and JSON (.json: a list of
/// cues, or {"words": […]} with word timings), read confined to the job's
/// roots and bounded before anything is allocated. Errors name the file and
/// the line (or JSON entry) at fault: errc::input_invalid, field "captions".

#include "media/captions/caption_cue.hpp"
#include "media/error.hpp"
#include "media/root_folders.hpp"

#include <nlohmann/json_fwd.hpp>

#include <string>
#include <string_view>

namespace vs::media::captions {

/// What a captions input holds: cues, or word timings (one of the two).
struct timed_captions {
  std::vector<caption_cue> cues;
  std::vector<caption_word> words;
};

/// `name` starts every error message ("captions file /a/b.srt").
expected<timed_captions> parse_srt(std::string_view text, const std::string& name, const caption_limits& limits);
expected<timed_captions> parse_vtt(std::string_view text, const std::string& name, const caption_limits& limits);

/// A JSON captions value as the HTTP body carries it: [{"start", "end",
/// "text"}, …] or {"words": [{"word" (or "text"), "start", "end"}, …]}.
/// `field` names it in errors ("captions", or the file). Times in seconds.
expected<timed_captions> parse_caption_json(const nlohmann::json& value, const std::string& field,
                                            const caption_limits& limits);

/// Reads `path` confined to `roots` and parses it by its extension (.srt,
/// .vtt, .json), or by its content when the extension says nothing.
expected<timed_captions> read_caption_file(const std::string& path, const root_folders& roots,
                                           const caption_limits& limits);

} // namespace vs::media::captions
