#include "api/upload_receiver.hpp"

#include "api/http_connection.hpp"
#include "api/http_errors.hpp"

#include <algorithm>
#include <optional>

namespace vs::api {

namespace {

/// The state of one body being read: the part being received and what
/// went wrong, if anything (the reader's callbacks can only say "stop").
class body_reception {
public:
  body_reception(const upload_store& store, const receive_rules& rules) : store_(store), rules_(rules) {}

  bool begin_part(const httplib::MultipartFormData& part) {
    if (!end_part())
      return false;
    if (part.name.empty())
      return fail(make_error(errc::malformed_request, "a part of the multipart body has no name"));
    if (std::find(rules_.text_parts.begin(), rules_.text_parts.end(), part.name) != rules_.text_parts.end()) {
      if (body_.texts.count(part.name) > 0)
        return fail(twice(part.name));
      text_ = &body_.texts[part.name];
      return true;
    }
    if (!rules_.file_part.empty() && part.name != rules_.file_part)
      return fail(make_error(errc::invalid_argument, "the request has a part named " + part.name +
                                                         "; files go in parts named " + rules_.file_part,
                             part.name));
    if (rules_.file_part.empty() &&
        std::any_of(body_.files.begin(), body_.files.end(), [&](const received_file& f) { return f.part == part.name; }))
      return fail(twice(part.name));
    if (body_.files.size() == max_file_parts)
      return fail(make_error(errc::input_too_large,
                             "the request has more than " + std::to_string(max_file_parts) + " file parts"));
    return begin_file(part.name, part.filename);
  }

  bool begin_file(const std::string& part, const std::string& filename) {
    auto file = store_.begin();
    if (!file)
      return fail(file.error());
    body_.files.push_back(received_file{part, filename, std::move(*file)});
    file_ = body_.files.back().file.get();
    return true;
  }

  bool take(const char* data, size_t size) {
    if (text_ != nullptr) {
      text_bytes_ += size;
      if (text_bytes_ > rules_.max_text_bytes)
        return fail(make_error(errc::input_too_large, "the text parts of the request are larger than the limit of " +
                                                          std::to_string(rules_.max_text_bytes) + " bytes"));
      text_->append(data, size);
      return true;
    }
    if (file_ == nullptr)
      return true;  // httplib hands over nothing outside a part; be safe
    file_bytes_ += size;
    if (file_bytes_ > rules_.max_file_bytes)
      return fail(make_error(errc::input_too_large, rules_.too_large));
    if (auto written = file_->write(data, size); !written)
      return fail(written.error());
    return true;
  }

  /// The part received so far is complete.
  bool end_part() {
    text_ = nullptr;
    if (file_ == nullptr)
      return true;
    auto finished = file_->finish();
    file_ = nullptr;
    return finished ? true : fail(finished.error());
  }

  const std::optional<error>& failure() const { return failure_; }
  received_body take_body() { return std::move(body_); }

private:
  bool fail(error failure) {
    failure_ = std::move(failure);
    return false;
  }

  static error twice(const std::string& part) {
    return make_error(errc::invalid_argument, "the request has two parts named " + part, part);
  }

  const upload_store& store_;
  const receive_rules& rules_;
  received_body body_;
  std::string* text_ = nullptr;
  upload_file* file_ = nullptr;
  uint64_t text_bytes_ = 0;
  uint64_t file_bytes_ = 0;
  std::optional<error> failure_;
};

} // namespace

expected<received_body> receive_body(const httplib::Request& request, const httplib::ContentReader& reader,
                                     const upload_store& store, const receive_rules& rules) {
  body_reception reception(store, rules);
  bool read = false;
  if (request.is_multipart_form_data()) {
    read = reader([&](const httplib::MultipartFormData& part) { return reception.begin_part(part); },
                  [&](const char* data, size_t size) { return reception.take(data, size); });
  } else if (reception.begin_file("", rules.raw_filename)) {
    read = reader([&](const char* data, size_t size) { return reception.take(data, size); });
  }
  if (read)
    reception.end_part();
  else if (auto* connection = current_connection())
    connection->close_after_answer();  // the rest of the body was not read
  if (reception.failure())
    return *reception.failure();
  if (!read)
    return make_error(errc::malformed_request, request.is_multipart_form_data()
                                                   ? "the multipart/form-data body is malformed or incomplete"
                                                   : "the request body is incomplete");
  return reception.take_body();
}

expected<std::vector<upload_info>> store_received(upload_store& store, std::vector<received_file>& files) {
  std::vector<media::input_identity> identities;
  for (const auto& received : files) {
    auto identity = store.identify(*received.file, received.name());
    if (!identity) {
      error refused = identity.error();
      refused.field = received.part;
      return refused;
    }
    identities.push_back(std::move(*identity));
  }
  std::vector<upload_info> stored;
  for (size_t i = 0; i < files.size(); ++i) {
    auto info = store.commit(*files[i].file, identities[i]);
    if (!info)
      return info.error();
    stored.push_back(std::move(*info));
  }
  return stored;
}

int refusal_status(const error& failure) {
  return failure.code == errc::input_invalid ? 415 : http_status_for(failure.code);
}

} // namespace vs::api
