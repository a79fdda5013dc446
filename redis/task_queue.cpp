#include "redis/task_queue.hpp"

#include "jobs/job_time.hpp"
#include "redis/local_time.hpp"
#include "redis/script_reply.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_scripts.hpp"

#include <cstdio>
#include <cstdlib>

namespace vs::redis {

namespace {

expected<std::vector<reaped_task>> to_reaped(const std::string& script, const redis_value& reply) {
  if (outcome_of(reply) != "done")
    return make_error(errc::internal, "script " + script + " refused: " + element(reply, 1));
  std::vector<reaped_task> reaped;
  if (reply.elements.size() < 2)
    return reaped;
  const auto& pairs = reply.elements[1].elements;
  for (size_t i = 0; i + 1 < pairs.size(); i += 2)
    reaped.push_back({pairs[i].text, pairs[i + 1].text});
  return reaped;
}

} // namespace

expected<std::optional<field_map>> read_task(redis_client& client, const std::string& id) {
  auto reply = client.command({"HGETALL", task_key(id)});
  if (!reply && reply.error().message.find("WRONGTYPE") != std::string::npos) {
    auto kind = client.command({"TYPE", task_key(id)});
    return make_error(errc::input_invalid,
                      task_key(id) + " is a " + (kind ? kind->text : std::string("value")) + ", not a hash");
  }
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

expected<claim_result> task_queue::claim(const std::string& id, bool resume) {
  auto reply = client_.eval(scripts::claim,
                            {task_key(id), processing_key(worker_), fence_key(), dead_queue_key(), job_index_key()},
                            {id, worker_, local_timestamp(), service_name, resume ? "1" : "0", std::to_string(jobs::now_ms()),
                             std::to_string(job_index_size)});
  if (!reply)
    return reply.error();
  claim_result result;
  std::string outcome = outcome_of(*reply);
  if (outcome == "claimed") {
    result.outcome = claim_result::kind::claimed;
    result.token = element(*reply, 1);
    result.attempts = std::atoll(element(*reply, 2).c_str());
    return result;
  }
  result.reason = element(*reply, 1);
  if (outcome == "skip")
    result.outcome = claim_result::kind::skipped;
  else if (outcome == "rejected")
    result.outcome = claim_result::kind::rejected;
  else if (outcome == "blocked")
    result.outcome = claim_result::kind::blocked;
  else
    return make_error(errc::internal, "script claim: unexpected answer '" + outcome + "'");
  return result;
}

expected<std::vector<std::string>> task_queue::processing_ids() {
  return list_items(client_, processing_key(worker_));
}


expected<bool> task_queue::progress(const std::string& id, const std::string& token, int percent,
                                    const std::vector<std::pair<std::string, std::string>>& extra) {
  std::vector<std::string> args{token, std::to_string(percent), local_timestamp()};
  for (const auto& [name, value] : extra) {
    args.push_back(name);
    args.push_back(value);
  }
  auto reply = client_.eval(scripts::progress, {task_key(id)}, args);
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

expected<write_result> task_queue::complete(const std::string& id, const std::string& token,
                                            const std::string& result_ref, double duration_seconds,
                                            int64_t file_size, const std::string& poster_ref,
                                            const std::string& captions_ref) {
  char duration[32];
  std::snprintf(duration, sizeof duration, "%.3f", duration_seconds);
  return run_write(client_, scripts::complete, {task_key(id), processing_key(worker_)},
                   {token, id, local_timestamp(), result_ref, duration, std::to_string(file_size), poster_ref,
                    captions_ref});
}

expected<write_result> task_queue::fail(const std::string& id, const std::string& token, const std::string& message) {
  return run_write(client_, scripts::fail, {task_key(id), processing_key(worker_)},
                   {token, id, local_timestamp(), message});
}

expected<write_result> task_queue::release(const std::string& id, const std::string& token) {
  return run_write(client_, scripts::release, {task_key(id), processing_key(worker_), queue_key(service_name)},
                   {token, id, local_timestamp()});
}

status task_queue::park(const std::string& id) {
  // Each step may be repeated (a retry after a lost answer) without harm.
  auto listed = client_.command({"LPOS", dead_queue_key(), id});
  if (!listed)
    return listed.error();
  if (listed->is_nil()) {
    if (auto pushed = client_.command({"LPUSH", dead_queue_key(), id}); !pushed)
      return pushed.error();
  }
  if (auto removed = client_.command({"LREM", processing_key(worker_), "0", id}); !removed)
    return removed.error();
  return {};
}

expected<bool> task_queue::mirror_http_job(const std::string& id, int64_t created_ms,
                                           const std::vector<std::pair<std::string, std::string>>& fields,
                                           std::chrono::seconds ttl) {
  std::vector<std::string> args{std::to_string(ttl.count()), std::to_string(created_ms), std::to_string(job_index_size)};
  for (const auto& [name, value] : fields) {
    args.push_back(name);
    args.push_back(value);
  }
  auto reply = client_.eval(scripts::mirror_http_job, {task_key(id), job_index_key()}, args);
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
  auto reply = client_.eval(scripts::reap,
                            {workers_key(), queue_key(service_name), dead_queue_key(), chunk_queue_key()},
                            {local_timestamp(), std::to_string(max_attempts), service_name});
  if (!reply)
    return reply.error();
  return to_reaped(scripts::reap.name, *reply);
}

expected<std::vector<reaped_task>> task_queue::recover(int max_attempts) {
  auto reply = client_.eval(scripts::recover, {processing_key(worker_), queue_key(service_name), dead_queue_key(),
                                               chunk_processing_key(worker_), chunk_queue_key()},
                            {local_timestamp(), std::to_string(max_attempts), worker_});
  if (!reply)
    return reply.error();
  return to_reaped(scripts::recover.name, *reply);
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
  auto chunks_left = client_.command({"LLEN", chunk_processing_key(worker_)});
  if (!chunks_left)
    return chunks_left.error();
  if (chunks_left->integer > 0)
    return {};
  auto forgotten = client_.command({"SREM", workers_key(), worker_});
  if (!forgotten)
    return forgotten.error();
  return {};
}

} // namespace vs::redis
