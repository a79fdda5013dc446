#pragma once
/// The dispatching half of a worker pool: requests queue FIFO in the pool
/// actor and go to whichever worker is idle, one at a time per worker, so a
/// slow request never holds up others behind it in one worker's mailbox and
/// requests of several jobs interleave in arrival order. The pool answers
/// each request with its worker's answer (a response promise per request).

#include "actors/caf_error.hpp"

#include <caf/typed_response_promise.hpp>

#include <deque>
#include <utility>
#include <vector>

namespace vs::actors {

template <class Worker, class Request, class Result>
struct worker_pool_state {
  worker_pool_state() = default;

  std::vector<Worker> idle;
  std::deque<std::pair<Request, caf::typed_response_promise<Result>>> pending;
  int64_t dispatched = 0;
};

/// Hands queued requests to idle workers. `skip(request)` returns true for
/// requests whose job is already cancelled: they are answered with
/// errc::cancelled without occupying a worker.
template <class Result, class Self, class Atom, class Skip>
void dispatch_pending(Self* self, Atom atom, Skip skip) {
  auto& st = self->state;
  while (!st.idle.empty() && !st.pending.empty()) {
    auto request = std::move(st.pending.front().first);
    auto promise = std::move(st.pending.front().second);
    st.pending.pop_front();
    if (skip(request)) {
      promise.deliver(caf_error(errc::cancelled, "the job was cancelled"));
      continue;
    }
    auto worker = st.idle.back();
    st.idle.pop_back();
    ++st.dispatched;
    self->request(worker, caf::infinite, atom, std::move(request))
      .then(
        [=](Result& result) mutable {
          promise.deliver(std::move(result));
          self->state.idle.push_back(worker);
          dispatch_pending<Result>(self, atom, skip);
        },
        [=](caf::error& failure) mutable {
          promise.deliver(std::move(failure));
          self->state.idle.push_back(worker);
          dispatch_pending<Result>(self, atom, skip);
        });
  }
}

} // namespace vs::actors
