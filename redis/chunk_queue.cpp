#include "redis/chunk_queue.hpp"

#include "redis/chunk_scripts.hpp"
#include "redis/local_time.hpp"
#include "redis/script_reply.hpp"
#include "redis/task_keys.hpp"
#include "redis/task_scripts.hpp"

#include <cstdio>
#include <cstdlib>

namespace vs::redis {

namespace {

/// status, frames, result_ref, error per chunk, after the outcome.
std::vector<chunk_state> states_in(const redis_value& reply) {
  std::vector<chunk_state> states;
  for (size_t i = 1; i + 3 < reply.elements.size(); i += 4) {
    chunk_state state;
    state.status = element(reply, i);
    state.frames = std::atoll(element(reply, i + 1).c_str());
    state.result_ref = element(reply, i + 2);
    state.error = element(reply, i + 3);
    states.push_back(std::move(state));
  }
  return states;
}

} // namespace

std::optional<std::pair<std::string, int>> parse_chunk_id(const std::string& id) {
  auto colon = id.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == id.size())
    return std::nullopt;
  const std::string number = id.substr(colon + 1);
  if (number.size() > 6 || number.find_first_not_of("0123456789") != std::string::npos)
    return std::nullopt;
  return std::make_pair(id.substr(0, colon), std::atoi(number.c_str()));
}

chunk_queue::chunk_queue(redis_client& client, std::string worker_id) : client_(client), worker_(std::move(worker_id)) {}

expected<std::optional<std::vector<chunk_state>>> chunk_queue::plan(const std::string& job,
                                                                    const std::string& owner_token,
                                                                    const std::string& spec,
                                                                    const std::string& audio_seconds,
                                                                    const std::vector<media::frame_range>& chunks,
                                                                    std::chrono::seconds ttl) {
  std::vector<std::string> args{job, owner_token, spec, audio_seconds, local_timestamp(),
                                std::to_string(ttl.count()), std::to_string(chunks.size())};
  for (const auto& range : chunks) {
    args.push_back(std::to_string(range.first));
    args.push_back(std::to_string(range.end));
  }
  auto reply = client_.eval(scripts::chunk_plan, {chunk_plan_key(job), task_key(job), chunk_queue_key()}, args);
  if (!reply)
    return reply.error();
  std::string outcome = outcome_of(*reply);
  if (outcome == "lost")
    return std::optional<std::vector<chunk_state>>();
  if (outcome != "planned")
    return make_error(errc::internal, "script chunk_plan: unexpected answer '" + outcome + "'");
  return std::optional<std::vector<chunk_state>>(states_in(*reply));
}

expected<std::optional<std::vector<chunk_state>>> chunk_queue::states(const std::string& job) {
  auto reply = client_.eval(scripts::chunk_states, {chunk_plan_key(job)}, {});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) != "states")
    return std::optional<std::vector<chunk_state>>();
  return std::optional<std::vector<chunk_state>>(states_in(*reply));
}

expected<bool> chunk_queue::cancel(const std::string& job, const std::string& owner_token) {
  auto reply = client_.eval(scripts::chunk_cancel, {chunk_plan_key(job), chunk_queue_key()}, {job, owner_token});
  if (!reply)
    return reply.error();
  return outcome_of(*reply) != "lost";
}

expected<std::optional<std::string>> chunk_queue::pop(std::chrono::milliseconds block) {
  expected<redis_value> reply = make_error(errc::internal, "not popped");
  if (block.count() <= 0) {
    reply = client_.command({"LMOVE", chunk_queue_key(), chunk_processing_key(worker_), "RIGHT", "LEFT"});
  } else {
    char seconds[32];
    std::snprintf(seconds, sizeof seconds, "%.3f", static_cast<double>(block.count()) / 1000.0);
    reply = client_.blocking_command(
        {"BLMOVE", chunk_queue_key(), chunk_processing_key(worker_), "RIGHT", "LEFT", seconds}, block);
  }
  if (!reply)
    return reply.error();
  if (reply->is_nil())
    return std::optional<std::string>();
  return std::optional<std::string>(reply->text);
}

expected<chunk_claim> chunk_queue::claim(const std::string& id) {
  chunk_claim result;
  auto parsed = parse_chunk_id(id);
  if (!parsed) {
    // Not one of ours: drop it so it cannot block the list.
    if (auto removed = client_.command({"LREM", chunk_processing_key(worker_), "0", id}); !removed)
      return removed.error();
    result.reason = "'" + id + "' is not a chunk id";
    return result;
  }
  auto reply = client_.eval(scripts::chunk_claim,
                            {chunk_key(id), chunk_processing_key(worker_), fence_key(), chunk_plan_key(parsed->first)},
                            {id, worker_, local_timestamp()});
  if (!reply)
    return reply.error();
  std::string outcome = outcome_of(*reply);
  if (outcome == "skip") {
    result.reason = element(*reply, 1);
    return result;
  }
  if (outcome != "claimed")
    return make_error(errc::internal, "script chunk_claim: unexpected answer '" + outcome + "'");
  result.claimed = true;
  result.token = element(*reply, 1);
  result.attempts = std::atoll(element(*reply, 2).c_str());
  result.job = parsed->first;
  result.index = parsed->second;
  result.range = {std::atoll(element(*reply, 3).c_str()), std::atoll(element(*reply, 4).c_str())};
  result.spec = element(*reply, 5);
  result.audio_seconds = element(*reply, 6);
  return result;
}

expected<bool> chunk_queue::progress(const std::string& id, const std::string& token, int64_t frames) {
  auto reply = client_.eval(scripts::chunk_progress, {chunk_key(id)}, {token, std::to_string(frames), local_timestamp()});
  if (!reply)
    return reply.error();
  return reply->integer == 1;
}

expected<write_result> chunk_queue::complete(const std::string& id, const std::string& token,
                                             const std::string& result_ref, int64_t file_size) {
  return run_write(client_, scripts::chunk_complete, {chunk_key(id), chunk_processing_key(worker_)},
                   {token, id, local_timestamp(), result_ref, std::to_string(file_size)});
}

expected<write_result> chunk_queue::fail(const std::string& id, const std::string& token, const std::string& message) {
  return run_write(client_, scripts::fail, {chunk_key(id), chunk_processing_key(worker_)},
                   {token, id, local_timestamp(), message});
}

expected<write_result> chunk_queue::release(const std::string& id, const std::string& token) {
  return run_write(client_, scripts::chunk_release, {chunk_key(id), chunk_processing_key(worker_), chunk_queue_key()},
                   {token, id, local_timestamp()});
}

expected<std::vector<std::string>> chunk_queue::processing_ids() {
  return list_items(client_, chunk_processing_key(worker_));
}

} // namespace vs::redis
