#pragma once
/// The Lua scripts of chunked jobs (issue 11). Chunks live on their own
/// reliable queue with the guarantees of tasks (task_scripts.hpp): popped
/// into a worker's chunk processing list, claimed with a fencing token,
/// every later write fenced, requeued by the reaper (reap/recover) when
/// their worker dies, failed after max attempts. The same rules hold: every
/// script checks what it reads before its first write, and final writes are
/// idempotent ({"already"} after a lost answer).
///
/// The plan of a job belongs to one owner token (the job task's fence, or
/// the HTTP job's own token): only its holder may finish or cancel it, and
/// a worker that claims the job task again (with a newer fence) adopts the
/// plan and every chunk already done.

#include "redis/redis_client.hpp"

namespace vs::redis::scripts {

/// KEYS: plan, job task hash, chunk queue. ARGV: job, owner token, spec,
/// audio seconds, now, ttl seconds, chunk count, then first and end of each
/// chunk. Creates the plan and its chunks (queued, on the chunk queue), or
/// adopts an existing plan: kept as it is if its spec is the same (chunks
/// done stay done), made afresh if not. Adopting someone else's plan needs
/// the job task's `fence` to be the token. → {"planned", status, frames,
/// result_ref, error, ... per chunk} or {"lost"}.
extern const lua_script chunk_plan;

/// KEYS: plan. ARGV: chunk count. → {"states", status, frames, result_ref,
/// error, ... per chunk} or {"gone"} when there is no plan.
extern const lua_script chunk_states;

/// KEYS: plan, chunk queue. ARGV: job, owner token. Removes every chunk
/// (from the queue and its hash) and the plan. → {"done"}, {"already"} (no
/// plan) or {"lost"} (another owner holds it: nothing removed).
extern const lua_script chunk_cancel;

/// KEYS: chunk, chunk processing list, fence counter, plan. ARGV: id,
/// worker, now. A queued chunk becomes processing with a fresh token.
/// → {"claimed", token, attempts, first, end, spec, audio seconds} or
/// {"skip", reason} (dropped from the list).
extern const lua_script chunk_claim;

/// KEYS: chunk. ARGV: token, frames done, now. → 1, or 0 if the lease is
/// lost (the chunk was requeued, cancelled, or its job finished).
extern const lua_script chunk_progress;

/// KEYS: chunk, chunk processing list. ARGV: token, id, now, result_ref,
/// file size. → {"done"}, {"already"} or {"lost"}.
extern const lua_script chunk_complete;

// Failing a chunk is task_scripts' `fail` on the chunk's hash.

/// KEYS: chunk, chunk processing list, chunk queue. ARGV: token, id, now.
/// A chunk this worker will not finish (shutdown) goes back on the queue,
/// its attempt not counted. → {"done"}, {"already"} or {"lost"}.
extern const lua_script chunk_release;

} // namespace vs::redis::scripts
