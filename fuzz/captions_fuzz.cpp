// libFuzzer target: the captions parsers (media/captions/caption_file):
// SubRip, WebVTT and the JSON cue/word lists, on any bytes.
// Input: the first byte picks the format (0 srt, 1 vtt, 2 json), the rest is
// the file's text. A parse must either fail with an error naming the input,
// or give cues/words that keep the promises check_cues/check_words make;
// and the .srt the service exports for parsed cues must parse again (a
// player reads it, so our own reader must accept it). Otherwise the target
// aborts.

#include "fuzz/fuzz_check.hpp"
#include "media/captions/caption_file.hpp"
#include "media/captions/caption_layout.hpp"

#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace {

constexpr const char* target = "captions_fuzz";
const std::string name = "captions file fuzz.input";

vs::media::captions::caption_limits small_limits() {
  vs::media::captions::caption_limits limits;
  limits.max_cues = 2000;  // bounded work per input; the checks are the same at any bound
  limits.max_text_bytes = 64 << 10;
  return limits;
}

vs::expected<vs::media::captions::timed_captions> parse(uint8_t format, std::string_view text,
                                                         const vs::media::captions::caption_limits& limits) {
  using namespace vs::media::captions;
  switch (format % 3) {
    case 0: return parse_srt(text, name, limits);
    case 1: return parse_vtt(text, name, limits);
    default: {
      auto value = nlohmann::json::parse(text.begin(), text.end(), nullptr, false);
      if (value.is_discarded())
        return vs::make_error(vs::errc::input_invalid, name + " is not JSON", "captions");
      return parse_caption_json(value, name, limits);
    }
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0)
    return 0;
  using namespace vs::media::captions;
  const caption_limits limits = small_limits();
  const std::string_view text(reinterpret_cast<const char*>(data + 1), size - 1);
  auto parsed = parse(data[0], text, limits);
  if (!parsed) {
    if (parsed.error().message.empty())
      vs::fuzz::fail(target, "an error without a message");
    return 0;
  }
  if (!parsed->cues.empty() && !parsed->words.empty())
    vs::fuzz::fail(target, "both cues and words");
  if (auto cues = check_cues(parsed->cues, limits, "captions"); !cues)
    vs::fuzz::fail(target, "parsed cues break check_cues: " + cues.error().message);
  if (auto words = check_words(parsed->words, limits, "captions.words"); !words)
    vs::fuzz::fail(target, "parsed words break check_words: " + words.error().message);
  if (parsed->cues.empty())
    return 0;
  double end = 0;
  for (const auto& cue : parsed->cues)
    end = std::max(end, cue.end);
  const std::string exported = format_srt(parsed->cues, end);
  auto again = parse_srt(exported, "the exported .srt", caption_limits{});
  if (!again)
    vs::fuzz::fail(target, "the exported .srt does not parse: " + again.error().message + "\n" + exported);
  return 0;
}
