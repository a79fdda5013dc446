#pragma once
/// The one way api/ turns JSON into text. Strings in our JSON often come
/// from outside (request paths, Redis task fields, file names) and may hold
/// bytes that are not UTF-8; nlohmann's plain dump() throws on those, so
/// every dump here replaces them with U+FFFD instead.

#include <nlohmann/json_fwd.hpp>

#include <string>

namespace vs::jobs {

/// Compact JSON text; invalid UTF-8 becomes U+FFFD. Never throws on content.
std::string json_text(const nlohmann::json& value);

} // namespace vs::jobs
