#pragma once
/// Pending webhook deliveries in Redis, so that a restarted worker or any
/// other worker finishes them (webhooks/redis_outbox drives these):
///
///   video-service:webhooks:due          sorted set: delivery id by due time (ms)
///   video-service:webhook:{delivery}    hash: the delivery and its attempts
///   video-service:webhook-job:{job}     string: the job's latest delivery id
///   video-service:webhooks:fence        counter: claim tokens
///
/// A claim moves the id's due time to the end of a lease and stamps a fresh
/// token: no other worker claims it until the lease runs out (its holder
/// died), and only the token's holder may record the attempt. Like the task
/// scripts, each checks what it reads before its first write.

#include "redis/redis_client.hpp"

#include <string>

namespace vs::redis {

inline std::string webhook_key(const std::string& delivery) { return "video-service:webhook:" + delivery; }
inline std::string webhook_due_key() { return "video-service:webhooks:due"; }
inline std::string webhook_job_key(const std::string& job) { return "video-service:webhook-job:" + job; }
inline std::string webhook_fence_key() { return "video-service:webhooks:fence"; }

} // namespace vs::redis

namespace vs::redis::scripts {

/// KEYS: delivery, due set, job index. ARGV: delivery id, job id, url,
/// event, body, created_at, deadline, due (ms), ttl seconds. → {"added"},
/// {"already"} (the delivery exists) or {"refused", why}.
extern const lua_script webhook_add;

/// KEYS: due set, fence. ARGV: now (ms), lease end (ms), worker. The
/// earliest due pending delivery, claimed → {"claimed", id, token, job id,
/// url, event, body, created_at, deadline, attempts, attempt_count,
/// next_attempt_at}; none due → {"none", earliest due time or ""}.
extern const lua_script webhook_claim;

/// KEYS: delivery, due set, job index. ARGV: delivery id, token, state,
/// attempts (JSON), attempt_count, next_attempt_at, ttl seconds once final.
/// → {"done"}, or {"lost"} when another claim holds it now.
extern const lua_script webhook_settle;

/// KEYS: job index. → {"found", id, url, event, state, attempts,
/// attempt_count, next_attempt_at} or {"none"}.
extern const lua_script webhook_find;

} // namespace vs::redis::scripts
