#include "api/media_roots.hpp"

namespace vs::api {

namespace fs = std::filesystem;

media_roots::media_roots(const std::vector<std::string>& roots) : roots_(roots) {}

std::string media_roots::allowed_text() const {
  if (roots().empty())
    return "MEDIA_ROOTS names no folder";
  return "inputs must lie in MEDIA_ROOTS: " + roots_.describe();
}

expected<std::string> media_roots::resolve(const std::string& path, const std::string& field) const {
  if (path.empty())
    return make_error(errc::invalid_argument, field + " must not be empty", field);
  if (path.find('\0') != std::string::npos)
    return make_error(errc::invalid_argument, field + " contains a NUL byte", field);
  auto forbidden = [&] {
    return make_error(errc::forbidden_path, field + " " + path + " is outside the allowed media folders (" +
                                                allowed_text() + ")",
                      field);
  };
  // No folders configured (or all empty) allows nothing here, unlike an
  // unconfined render.
  if (roots().empty())
    return forbidden();
  // A remote client knows neither the server's working folder nor which
  // root comes first, so a relative path has no meaning it could rely on.
  if (!fs::path(path).is_absolute())
    return make_error(errc::invalid_argument, field + " " + path + " is a relative path; give an absolute path (" +
                                                  allowed_text() + ")",
                      field);
  // Lexical check first, so the answer for a path outside the roots does not
  // reveal whether that file exists.
  if (!roots_.contains(media::lexically_absolute(path)))
    return forbidden();
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec)
    return make_error(errc::input_missing, field + " " + path + " does not exist (" + allowed_text() + ")", field);
  // A symlink inside a root may still point outside it.
  if (!roots_.contains(real))
    return forbidden();
  if (!fs::is_regular_file(real, ec))
    return make_error(errc::input_invalid, field + " " + path + " is not a regular file", field);
  return real.string();
}

} // namespace vs::api
