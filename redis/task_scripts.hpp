#pragma once
/// The Lua scripts that change task state. Each runs atomically in Redis, so
/// "check the owner, then write" cannot interleave with another worker.

#include "redis/redis_client.hpp"

namespace vs::redis::scripts {

/// KEYS: task, processing list, fence counter. ARGV: id, worker, now, service.
/// Claims a ready task: → {"claimed", token, attempts} or {"skip", reason}
/// (a skipped id is removed from the processing list).
extern const lua_script claim;

/// KEYS: task. ARGV: token, progress 0..100, now. → 1, or 0 if the lease is lost.
extern const lua_script progress;

/// KEYS: task, processing list. ARGV: token, id, now, result_ref, duration,
/// file_size. Marks success and triggers the consumers (PROTOCOL.md step 4),
/// all or nothing. → number of consumers queued, or -1 if the lease is lost.
extern const lua_script complete;

/// KEYS: task, processing list. ARGV: token, id, now, message. → 1, or 0 if
/// the lease is lost.
extern const lua_script fail;

/// KEYS: task, processing list, queue. ARGV: token, id, now. Puts a task this
/// worker will not finish (shutdown) back at the consuming end of the queue.
/// → 1, or 0 if the lease is lost.
extern const lua_script release;

/// KEYS: workers set, queue, dead queue. ARGV: now, max attempts, service.
/// For every worker whose heartbeat key is gone, requeues the ids in its
/// processing list (or fails them onto the dead queue past max attempts)
/// and forgets the worker. → flat list {id, "requeued"|"dead"|"dropped", ...}.
extern const lua_script reap;

/// KEYS: task. ARGV: ttl seconds, then field, value pairs. Writes an HTTP
/// job's hash unless the key holds a task of the pipeline (no `source` of
/// `http`). → 1, or 0 if refused.
extern const lua_script mirror_http_job;

} // namespace vs::redis::scripts
