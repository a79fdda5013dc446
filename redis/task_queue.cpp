#include "redis/task_queue.hpp"

#include "redis/local_time.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_scripts.hpp"

#include <cstdio>

namespace vs::redis {

expected<std::optional<field_map>> read_task(redis_client& client, const std::string& id) {
  auto reply = client.command({"HGETALL", task_key(id)});
  if (!reply)
    return reply.error();
  if (reply->elements.empty())
    return std::optional<field_map>();
  field_map fields;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2)
    fields[reply->elements[i].text] = reply->elements[i + 1].text;
  return std::optional<field_map>(std::move(fields));
}

task_queue::task_queue(redis_client& client, std::string worker_id)
    : client_(client), worker_(std::move(worker_id)) {}

expected<std::optional<std::string>> task_queue::pop(std::chrono::milliseconds block) {
  // BLMOVE takes seconds as a decimal.
  char seconds[32];
  std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(block.count()) / 1000.0);
  auto reply = client_.blocking_command(
    {"BLMOVE", queue_key(service_name), processing_key(worker_), "RIGHT", "LEFT", seconds}, block);
  if (!reply)
    return reply.error();
  if (reply->is_nil())
    return std::optional<std::string>();
  return std::optional<std::string>(reply->text);
}

expected<claim_result> task_queue::claim(const std::string& id) {
  auto reply = client_.eval(scripts::claim, {task_key(id), processing_key(worker_), fence_key()},
                            {id, worker_, local_timestamp(), service_name});
  if (!reply)
    return reply.error();
  claim_result result;
  const auto& parts = reply->elements;
  if (parts.size() == 3 && parts[0].text == "claimed") {
    result.claimed = true;
    result.token = parts[1].text;
    result.attempts = std::stoll(parts[2].text);
  } else {
    result.skip_reason = parts.size() > 1 ? parts[1].text : "unexpected reply";
  }
  return result;
}


expected<bool> task_queue::progress(const std::string& id, const std::string& token, int percent) {
  auto reply = client_.eval(scripts::progress, {task_key(id)}, {token, std::to_string(percent), local_timestamp()});
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

expected<bool> task_queue::complete(const std::string& id, const std::string& token, const std::string& result_ref,
                                    double duration_seconds, int64_t file_size) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", duration_seconds);
  auto reply = client_.eval(scripts::complete, {task_key(id), processing_key(worker_)},
                            {token, id, local_timestamp(), result_ref, duration, std::to_string(file_size)});
  if (!reply)
    return reply.error();
  return reply->integer >= 0;
}

expected<bool> task_queue::fail(const std::string& id, const std::string& token, const std::string& message) {
  auto reply = client_.eval(scripts::fail, {task_key(id), processing_key(worker_)},
                            {token, id, local_timestamp(), message});
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

expected<bool> task_queue::release(const std::string& id, const std::string& token) {
  auto reply = client_.eval(scripts::release, {task_key(id), processing_key(worker_), queue_key(service_name)},
                            {token, id, local_timestamp()});
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

expected<bool> task_queue::mirror_http_job(const std::string& id,
                                           const std::vector<std::pair<std::string, std::string>>& fields,
                                           std::chrono::seconds ttl) {
  std::vector<std::string> args{std::to_string(ttl.count())};
  for (const auto& [name, value] : fields) {
    args.push_back(name);
    args.push_back(value);
  }
  auto reply = client_.eval(scripts::mirror_http_job, {task_key(id)}, args);
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

status task_queue::heartbeat(std::chrono::milliseconds lease) {
  auto set = client_.command({"SET", heartbeat_key(worker_), local_timestamp(), "PX", std::to_string(lease.count())});
  if (!set)
    return set.error();
  auto add = client_.command({"SADD", workers_key(), worker_});
  if (!add)
    return add.error();
  return {};
}

expected<std::vector<reaped_task>> task_queue::reap(int max_attempts) {
  auto reply = client_.eval(scripts::reap, {workers_key(), queue_key(service_name), dead_queue_key()},
                            {local_timestamp(), std::to_string(max_attempts), service_name});
  if (!reply)
    return reply.error();
  std::vector<reaped_task> reaped;
  for (size_t i = 0; i + 1 < reply->elements.size(); i += 2)
    reaped.push_back({reply->elements[i].text, reply->elements[i + 1].text});
  return reaped;
}

status task_queue::retire() {
  auto removed = client_.command({"DEL", heartbeat_key(worker_)});
  if (!removed)
    return removed.error();
  // Leftover ids stay registered: the next reap (any worker) requeues them.
  auto left = client_.command({"LLEN", processing_key(worker_)});
  if (!left)
    return left.error();
  if (left->integer > 0)
    return {};
  auto forgotten = client_.command({"SREM", workers_key(), worker_});
  if (!forgotten)
    return forgotten.error();
  return {};
}

} // namespace vs::redis
