#include "api/json_log.hpp"

#include "jobs/json_text.hpp"

#include <spdlog/details/log_msg.h>

#include <chrono>
#include <ctime>

namespace vs::api {

namespace {

thread_local const nlohmann::json* current_fields = nullptr;

std::string utc_time(spdlog::log_clock::time_point when) {
  auto since_epoch = std::chrono::duration_cast<std::chrono::milliseconds>(when.time_since_epoch()).count();
  std::time_t seconds = static_cast<std::time_t>(since_epoch / 1000);
  std::tm parts{};
  gmtime_r(&seconds, &parts);
  char text[40];
  size_t length = std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%S", &parts);
  std::snprintf(text + length, sizeof text - length, ".%03dZ", static_cast<int>(since_epoch % 1000));
  return text;
}

class json_formatter final : public spdlog::formatter {
public:
  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    nlohmann::json line = {{"time", utc_time(msg.time)},
                           {"level", std::string(spdlog::level::to_string_view(msg.level).data(),
                                                 spdlog::level::to_string_view(msg.level).size())},
                           {"message", std::string(msg.payload.data(), msg.payload.size())}};
    if (current_fields != nullptr && current_fields->is_object())
      for (const auto& [key, value] : current_fields->items())
        line[key] = value;
    // json_text: a message may quote bytes from outside that are not UTF-8.
    std::string text = jobs::json_text(line);
    text += '\n';
    dest.append(text.data(), text.data() + text.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override { return std::make_unique<json_formatter>(); }
};

} // namespace

std::unique_ptr<spdlog::formatter> json_log_formatter() { return std::make_unique<json_formatter>(); }

log_fields_scope::log_fields_scope(const nlohmann::json& fields) : previous_(current_fields) {
  current_fields = &fields;
}

log_fields_scope::~log_fields_scope() { current_fields = previous_; }

} // namespace vs::api
