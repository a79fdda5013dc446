// The JSON forms of captions: a list of cues, or word timings.

#include "media/captions/caption_file.hpp"

#include <nlohmann/json.hpp>

namespace vs::media::captions {

namespace {

using nlohmann::json;

error wrong(const std::string& message) { return make_error(errc::invalid_argument, message, "captions"); }

expected<double> seconds_of(const json& entry, const std::string& name, const char* key) {
  auto found = entry.find(key);
  if (found == entry.end() || !found->is_number())
    return wrong(name + "." + key + " must be a number of seconds");
  return found->get<double>();
}

expected<std::string> text_of(const json& entry, const std::string& name, std::initializer_list<const char*> keys) {
  for (const char* key : keys) {
    auto found = entry.find(key);
    if (found == entry.end())
      continue;
    if (!found->is_string())
      return wrong(name + "." + key + " must be a string");
    return found->get<std::string>();
  }
  return wrong(name + "." + *keys.begin() + " is missing");
}

status check_size(const json& list, const std::string& name, const caption_limits& limits) {
  if (static_cast<int64_t>(list.size()) > limits.max_cues)
    return make_error(errc::input_too_large,
                      name + " has " + std::to_string(list.size()) + " entries, over the limit of " +
                          std::to_string(limits.max_cues),
                      "captions");
  return {};
}

/// A list of {start, end, text} (cues) or {word, start, end} (words).
template <class Entry>
expected<std::vector<Entry>> read_timed(const json& list, const std::string& name, const caption_limits& limits,
                                        const char* shape, std::initializer_list<const char*> text_keys) {
  if (!list.is_array())
    return wrong(name + " must be a list of " + shape);
  if (auto sized = check_size(list, name, limits); !sized)
    return sized.error();
  std::vector<Entry> entries;
  entries.reserve(list.size());
  for (size_t i = 0; i < list.size(); ++i) {
    const json& entry = list[i];
    std::string entry_name = name + "[" + std::to_string(i) + "]";
    if (!entry.is_object())
      return wrong(entry_name + " must be an object " + shape);
    auto start = seconds_of(entry, entry_name, "start");
    if (!start)
      return start.error();
    auto end = seconds_of(entry, entry_name, "end");
    if (!end)
      return end.error();
    auto text = text_of(entry, entry_name, text_keys);
    if (!text)
      return text.error();
    entries.push_back({*start, *end, std::move(*text)});
  }
  return entries;
}

} // namespace

expected<timed_captions> parse_caption_json(const json& value, const std::string& field,
                                            const caption_limits& limits) {
  timed_captions result;
  if (value.is_array()) {
    auto cues = read_timed<caption_cue>(value, field, limits, "{\"start\", \"end\", \"text\"}", {"text"});
    if (!cues)
      return cues.error();
    if (auto checked = check_cues(*cues, limits, field); !checked)
      return checked.error();
    result.cues = std::move(*cues);
    return result;
  }
  if (value.is_object() && value.contains("words")) {
    const std::string name = field + ".words";
    auto words = read_timed<caption_word>(value.at("words"), name, limits, "{\"word\", \"start\", \"end\"}",
                                          {"word", "text"});
    if (!words)
      return words.error();
    if (auto checked = check_words(*words, limits, name); !checked)
      return checked.error();
    result.words = std::move(*words);
    return result;
  }
  return wrong(field + " must be a captions file path, a list of cues [{\"start\", \"end\", \"text\"}] or "
                       "{\"words\": [{\"word\", \"start\", \"end\"}]}");
}

} // namespace vs::media::captions
