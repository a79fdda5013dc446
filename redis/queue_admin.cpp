#include "redis/queue_admin.hpp"

#include "redis/admin_scripts.hpp"
#include "redis/local_time.hpp"
#include "redis/script_reply.hpp"
#include "redis/task_keys.hpp"

#include <algorithm>
#include <cstdlib>

namespace vs::redis {

namespace {

/// Ids listed per worker list: enough for any worker's concurrency.
constexpr int listed_ids = 100;

error refused(const lua_script& script, const redis_value& reply) {
  return make_error(errc::internal, "script " + script.name + " refused: " + element(reply, 1));
}

int64_t integer_at(const redis_value& reply, size_t index) {
  return index < reply.elements.size() ? reply.elements[index].integer : 0;
}

const redis_value& array_at(const redis_value& reply, size_t index) {
  static const redis_value none;
  return index < reply.elements.size() ? reply.elements[index] : none;
}

/// A task's `progress` percent as 0..1; anything else (absent, junk) is 0.
double fraction_of(const std::string& percent) {
  char* end = nullptr;
  double value = std::strtod(percent.c_str(), &end);
  if (percent.empty() || *end != '\0')
    return 0;
  return std::clamp(value / 100.0, 0.0, 1.0);
}

jobs::worker_view worker_of(const redis_value& entry) {
  jobs::worker_view worker;
  worker.id = element(entry, 0);
  int64_t ttl = integer_at(entry, 1);
  worker.alive = ttl > 0 || ttl == -1;  // -1: a heartbeat without TTL (set by hand)
  worker.lease_ms_left = std::max<int64_t>(ttl, 0);
  worker.heartbeat_at = element(entry, 2);
  const auto& tasks = array_at(entry, 5).elements;
  for (size_t i = 0; i + 2 < tasks.size(); i += 3)
    worker.tasks.push_back({tasks[i].text, tasks[i + 1].text, fraction_of(tasks[i + 2].text)});
  for (const auto& chunk : array_at(entry, 6).elements)
    worker.chunks.push_back(chunk.text);
  return worker;
}

} // namespace

expected<redis_queue_admin::overview> redis_queue_admin::read_overview() {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(scripts::queue_overview,
                            {workers_key(), queue_key(service_name), chunk_queue_key(), dead_queue_key()},
                            {service_name, std::to_string(listed_ids)});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) != "done")
    return refused(scripts::queue_overview, *reply);
  overview result;
  result.depths.tasks_queued = integer_at(*reply, 1);
  result.depths.chunks_queued = integer_at(*reply, 2);
  result.depths.dead = integer_at(*reply, 3);
  for (const auto& entry : array_at(*reply, 4).elements) {
    result.depths.tasks_processing += integer_at(entry, 3);
    result.depths.chunks_processing += integer_at(entry, 4);
    result.workers.push_back(worker_of(entry));
  }
  return result;
}

expected<jobs::queue_depths> redis_queue_admin::depths() {
  auto read = read_overview();
  if (!read)
    return read.error();
  return read->depths;
}

expected<std::vector<jobs::worker_view>> redis_queue_admin::workers() {
  auto read = read_overview();
  if (!read)
    return read.error();
  return std::move(read->workers);
}

expected<jobs::dead_letter_page> redis_queue_admin::dead_letters(size_t limit) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(scripts::dead_letters, {dead_queue_key()}, {std::to_string(limit)});
  if (!reply)
    return reply.error();
  if (outcome_of(*reply) != "done")
    return refused(scripts::dead_letters, *reply);
  jobs::dead_letter_page page;
  page.total = integer_at(*reply, 1);
  const auto& fields = array_at(*reply, 2).elements;
  for (size_t i = 0; i + 6 < fields.size(); i += 7) {
    jobs::dead_letter entry;
    entry.id = fields[i].text;
    entry.has_task = fields[i + 1].text == "1";
    entry.name = fields[i + 2].text;
    entry.status = fields[i + 3].text;
    entry.error = fields[i + 4].text;
    entry.attempts = fields[i + 5].text;
    entry.updated_at = fields[i + 6].text;
    page.entries.push_back(std::move(entry));
  }
  return page;
}

status redis_queue_admin::requeue_dead(const std::string& id) {
  std::lock_guard<std::mutex> guard(mutex_);
  auto reply = client_.eval(scripts::requeue_dead, {dead_queue_key(), queue_key(service_name), task_key(id)},
                            {id, local_timestamp()});
  if (!reply)
    return reply.error();
  const std::string outcome = outcome_of(*reply);
  if (outcome == "done")
    return {};
  if (outcome == "absent")
    return make_error(errc::not_found, "task " + id + " is not on the dead-letter queue " + dead_queue_key());
  if (outcome == "gone" || outcome == "busy")
    return make_error(errc::conflict, "task " + id + " cannot be requeued: " + element(*reply, 1));
  return refused(scripts::requeue_dead, *reply);
}

} // namespace vs::redis
