// Whether a font family is installed, asked of fontconfig directly: the
// same configuration libass's fontconfig provider reads.

#include "media/captions/caption_style.hpp"

#include <fontconfig/fontconfig.h>

#include <mutex>
#include <strings.h>

namespace vs::media::captions {

namespace {

/// Loaded once per process (reading the font caches takes tens of ms).
FcConfig* font_config() {
  static FcConfig* config = FcInitLoadConfigAndFonts();
  return config;
}

std::mutex& font_config_mutex() {
  static std::mutex mutex;
  return mutex;
}

/// True if the best match for `family` carries that family name (in any of
/// its languages): fontconfig always answers with *some* font.
bool has_family(FcConfig* config, const std::string& family) {
  FcPattern* pattern = FcPatternCreate();
  if (pattern == nullptr)
    return false;
  FcPatternAddString(pattern, FC_FAMILY, reinterpret_cast<const FcChar8*>(family.c_str()));
  FcConfigSubstitute(config, pattern, FcMatchPattern);
  FcDefaultSubstitute(pattern);
  FcResult result = FcResultNoMatch;
  FcPattern* match = FcFontMatch(config, pattern, &result);
  bool found = false;
  if (match != nullptr) {
    FcChar8* name = nullptr;
    for (int i = 0; !found && FcPatternGetString(match, FC_FAMILY, i, &name) == FcResultMatch; ++i)
      found = strcasecmp(reinterpret_cast<const char*>(name), family.c_str()) == 0;
    FcPatternDestroy(match);
  }
  FcPatternDestroy(pattern);
  return found;
}

} // namespace

status check_font_installed(const std::string& family) {
  std::lock_guard<std::mutex> lock(font_config_mutex());
  FcConfig* config = font_config();
  if (config == nullptr)
    return make_error(errc::internal, "fontconfig could not load its configuration");
  if (!has_family(config, family))
    return make_error(errc::invalid_argument,
                      "caption_style.font \"" + family + "\" is not installed (fc-list lists the installed families)",
                      "caption_style.font");
  return {};
}

} // namespace vs::media::captions
