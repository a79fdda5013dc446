#pragma once
/// UTF-8 as caption text needs it: validation that points at the first bad
/// byte, code points in and out, upper case for every cased script, and the
/// one property line filling depends on (characters drawn one em wide and
/// written without spaces: Han, Kana, Hangul, full-width forms).

#include <cstddef>
#include <string>
#include <string_view>

namespace vs::media::captions {

/// Byte offset of the first invalid UTF-8 sequence (overlong forms,
/// surrogates and code points past U+10FFFF included), or npos if valid.
size_t first_invalid_utf8(std::string_view text);

/// The code points of valid UTF-8 text.
std::u32string decode_utf8(std::string_view text);

void append_utf8(std::string& out, char32_t code_point);
std::string encode_utf8(std::u32string_view text);

/// True for East Asian wide and full-width characters: each is about one em
/// wide and a line may break between any two of them.
bool is_wide(char32_t code_point);

/// Upper case through the C.UTF-8 locale's tables (Latin, Cyrillic, Greek,
/// Armenian, …); characters without case are kept.
std::string to_upper(std::string_view text);

} // namespace vs::media::captions
