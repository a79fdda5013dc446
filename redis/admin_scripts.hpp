#pragma once
/// The Lua scripts behind the dashboard's view of the queues (jobs/queue_admin).
/// Reading runs as one script so the depths and worker lists it reports
/// belong to one instant; like the task scripts, each checks key types
/// before it reads or writes, and answers bad data instead of raising.

#include "redis/redis_client.hpp"

namespace vs::redis::scripts {

/// KEYS: workers set, queue, chunk queue, dead queue. ARGV: key prefix
/// (the service name), how many ids to list per worker list.
/// → {"done", queued, chunks queued, dead, {worker, ...}} where each worker
/// is {id, heartbeat TTL ms (negative: none), heartbeat text, processing
/// length, chunk length, {id, status, progress, ...}, {chunk id, ...}};
/// or {"refused", why} when one of the keys is no list (or set).
extern const lua_script queue_overview;

/// KEYS: dead queue. ARGV: how many ids to list.
/// → {"done", total, {id, has hash ("1"/"0"), name, status, error,
/// attempts, updated_at, ...}} newest first, or {"refused", why}.
extern const lua_script dead_letters;

/// KEYS: dead queue, queue, task. ARGV: id, now. Takes the id off the dead
/// queue, sets the task queued with attempts 0 (its error, worker and
/// finish time removed) and pushes it onto the queue as a producer does,
/// unless it is there already.
/// → {"done"}, {"absent"} (not on the dead queue), {"gone", why} (no task
/// hash), {"busy", why} (a worker is rendering it) or {"refused", why}.
extern const lua_script requeue_dead;

} // namespace vs::redis::scripts
