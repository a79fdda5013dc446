#pragma once
/// Reading the answers of the task and chunk scripts: an array whose first
/// element says what happened.

#include "redis/redis_client.hpp"
#include "redis/redis_value.hpp"
#include "redis/task_queue.hpp"

#include <string>
#include <vector>

namespace vs::redis {

/// The first element of a script's answer: what happened.
std::string outcome_of(const redis_value& reply);
/// Element `index` as text ("" when there is none).
std::string element(const redis_value& reply, size_t index);
/// {"done", ...}, {"already"}, {"lost"} or {"refused", why} as a write_result.
expected<write_result> to_write_result(const std::string& script, const redis_value& reply);
/// Runs a fenced final write and reads its answer.
expected<write_result> run_write(redis_client& client, const lua_script& script, const std::vector<std::string>& keys,
                                 const std::vector<std::string>& args);
/// Every element of the list at `key` (a worker's processing list), in order.
expected<std::vector<std::string>> list_items(redis_client& client, const std::string& key);

} // namespace vs::redis
