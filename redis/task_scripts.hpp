#pragma once
/// The Lua scripts that change task state. Each runs atomically in Redis, so
/// "check the owner, then write" cannot interleave with another worker, and
/// each checks everything it reads before its first write: bad data (a key
/// of the wrong type, a field that is no integer, consumers that are no
/// JSON list) is answered, never raised half-way through (Redis keeps the
/// writes of a script that fails).
///
/// Final writes are idempotent: the same call made again (its first answer
/// was lost to a timeout) answers {"already"} instead of {"lost"}.

#include "redis/redis_client.hpp"

namespace vs::redis::scripts {

/// A script `body` after the helpers every script starts with (type_of,
/// integer_of, shown, pushable, forget, push_once, state_of).
lua_script script(const char* name, const std::string& body);

/// KEYS: task, processing list, fence counter, dead queue. ARGV: id, worker,
/// now, service, resume ("1": a task this worker already claimed, in a call
/// whose answer was lost, is handed back as claimed). Claims a ready task:
/// → {"claimed", token, attempts}; {"skip", reason}: not ours or not ready;
/// {"rejected", reason}: malformed (no hash: put on the dead queue; a hash:
/// failed with `error` = reason, and on the dead queue); {"blocked", reason}:
/// our own keys are broken (the id stays in the list). Only "claimed" and
/// "blocked" leave the id in the processing list; nothing is counted (fence,
/// attempts) before every check passed.
extern const lua_script claim;

/// KEYS: task. ARGV: token, progress 0..100, now, then field, value pairs
/// to set with it (a chunked job's chunk counts). → 1, or 0 if the lease is lost.
extern const lua_script progress;

/// KEYS: task, processing list. ARGV: token, id, now, result_ref, duration,
/// file_size, poster_ref, captions_ref (empty: none, and any older one is removed). Marks success and triggers the consumers (PROTOCOL.md step 4).
/// A consumer that is malformed (no hash, `queue` no integer, no service)
/// is skipped and named in the task's `consumer_errors`; the others are
/// triggered. → {"done", consumers queued, consumer errors}, {"already"}
/// or {"lost"} (another worker owns the task now).
extern const lua_script complete;

/// KEYS: task, processing list. ARGV: token, id, now, message.
/// → {"done"}, {"already"} or {"lost"}.
extern const lua_script fail;

/// KEYS: task, processing list, queue. ARGV: token, id, now. Puts a task this
/// worker will not finish (shutdown) back at the consuming end of the queue.
/// → {"done"}, {"already"}, {"lost"} or {"refused", why} (the queue key is
/// no list; the id stays in the processing list).
extern const lua_script release;

/// KEYS: workers set, queue, dead queue, chunk queue. ARGV: now, max
/// attempts, service. For every worker whose heartbeat key is gone, requeues
/// the ids in its processing list (or fails them onto the dead queue past
/// max attempts; an id whose key is no hash goes there too), requeues the
/// chunks in its chunk list (or fails them past max attempts), and forgets
/// the worker.
/// → {"done", {id, "requeued"|"dead"|"dropped", ...}} or {"refused", why}.
extern const lua_script reap;

/// KEYS: processing list, queue, dead queue, chunk processing list, chunk
/// queue. ARGV: now, max attempts, worker. What the reaper does, for a worker's own list left by an earlier
/// process with the same worker id (a restarted container).
extern const lua_script recover;

/// KEYS: task. ARGV: ttl seconds, then field, value pairs. Writes an HTTP
/// job's hash unless the key holds a task of the pipeline (no `source` of
/// `http`). → 1, or 0 if refused.
extern const lua_script mirror_http_job;

} // namespace vs::redis::scripts
