#include "redis/script_reply.hpp"

#include <cstdlib>

namespace vs::redis {

std::string outcome_of(const redis_value& reply) {
  return reply.elements.empty() ? std::string() : reply.elements.front().text;
}

std::string element(const redis_value& reply, size_t index) {
  return index < reply.elements.size() ? reply.elements[index].as_text() : std::string();
}

expected<write_result> to_write_result(const std::string& script, const redis_value& reply) {
  write_result result;
  std::string outcome = outcome_of(reply);
  if (outcome == "done") {
    result.outcome = write_result::kind::made;
    result.consumers_queued = std::atoll(element(reply, 1).c_str());
    result.detail = element(reply, 2);
  } else if (outcome == "already") {
    result.outcome = write_result::kind::already_made;
  } else if (outcome == "lost") {
    result.outcome = write_result::kind::lease_lost;
  } else if (outcome == "refused") {
    result.outcome = write_result::kind::refused;
    result.detail = element(reply, 1);
  } else {
    return make_error(errc::internal, "script " + script + ": unexpected answer '" + outcome + "'");
  }
  return result;
}

expected<write_result> run_write(redis_client& client, const lua_script& script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args) {
  auto reply = client.eval(script, keys, args);
  if (!reply)
    return reply.error();
  return to_write_result(script.name, *reply);
}

expected<std::vector<std::string>> list_items(redis_client& client, const std::string& key) {
  auto reply = client.command({"LRANGE", key, "0", "-1"});
  if (!reply)
    return reply.error();
  std::vector<std::string> items;
  for (const auto& item : reply->elements)
    items.push_back(item.text);
  return items;
}

} // namespace vs::redis
