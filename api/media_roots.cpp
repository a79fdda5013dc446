#include "api/media_roots.hpp"

#include "jobs/upload_folder.hpp"

namespace vs::api {

namespace fs = std::filesystem;

namespace {

std::vector<std::string> with_uploads(std::vector<std::string> roots, const std::string& uploads) {
  if (!uploads.empty())
    roots.push_back(uploads);
  return roots;
}

constexpr const char* upload_prefix = "upload:";

} // namespace

media_roots::media_roots(const std::vector<std::string>& roots, const std::string& uploads)
    : configured_(roots), allowed_(with_uploads(roots, uploads)), uploads_(uploads.empty() ? fs::path() : fs::path(uploads)) {}

std::string media_roots::allowed_text() const {
  const bool uploads = !uploads_.empty();
  if (configured_.folders().empty())
    return uploads ? "MEDIA_ROOTS names no folder; upload inputs with POST /uploads" : "MEDIA_ROOTS names no folder";
  return "inputs must lie in MEDIA_ROOTS: " + configured_.describe() + (uploads ? ", or be uploaded with POST /uploads" : "");
}

expected<std::string> media_roots::resolve(const std::string& given, const std::string& field) const {
  if (given.empty())
    return make_error(errc::invalid_argument, field + " must not be empty", field);
  if (given.find('\0') != std::string::npos)
    return make_error(errc::invalid_argument, field + " contains a NUL byte", field);
  if (given[0] == '@')
    return make_error(errc::invalid_argument,
                      field + " " + given + " names a request part; only a multipart/form-data job has parts", field);
  std::string path = given;
  if (!uploads_.empty() && given.rfind(upload_prefix, 0) == 0) {
    const std::string id = given.substr(std::char_traits<char>::length(upload_prefix));
    if (!jobs::is_upload_id(id))
      return make_error(errc::invalid_argument,
                        field + " " + given + " is not an upload reference: upload:{id} takes an id as POST /uploads "
                                              "returns it (64 hex digits, a dot, an extension)",
                        field);
    path = (uploads_ / id).string();
  }
  auto forbidden = [&] {
    return make_error(errc::forbidden_path, field + " " + given + " is outside the allowed media folders (" +
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
    return make_error(errc::invalid_argument, field + " " + given + " is a relative path; give an absolute path (" +
                                                  allowed_text() + ")",
                      field);
  // Lexical check first, so the answer for a path outside the roots does not
  // reveal whether that file exists.
  const fs::path lexical = media::lexically_absolute(path);
  if (!allowed_.contains(lexical))
    return forbidden();
  std::error_code ec;
  fs::path real = fs::canonical(path, ec);
  if (ec && !uploads_.empty() && media::is_within(lexical, uploads_))
    return make_error(errc::input_invalid, field + " " + given + " is no stored upload: it was never uploaded, or "
                                                                 "was removed after UPLOAD_MAX_AGE_HOURS unused; upload "
                                                                 "it again",
                      field);
  if (ec)
    return make_error(errc::input_missing, field + " " + given + " does not exist (" + allowed_text() + ")", field);
  // A symlink inside a root may still point outside it.
  if (!allowed_.contains(real))
    return forbidden();
  if (!fs::is_regular_file(real, ec))
    return make_error(errc::input_invalid, field + " " + given + " is not a regular file", field);
  return real.string();
}

} // namespace vs::api
