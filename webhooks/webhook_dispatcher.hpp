#pragma once
/// Sends the webhooks of finished jobs, off the job and HTTP threads: a
/// fixed pool of delivery threads (webhook_settings::concurrency) takes due
/// deliveries from the outbox, makes one attempt each (address check,
/// signed POST) and settles it: delivered, retried later with back-off, or
/// failed for good (410 Gone, an address the rule refuses, or the retry
/// window is over). When it stops, the attempts due then are made; pending
/// deliveries stay in the outbox.

#include "jobs/job_service.hpp"
#include "webhooks/webhook_outbox.hpp"
#include "webhooks/webhook_settings.hpp"

#include <chrono>
#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <random>
#include <thread>
#include <vector>

namespace vs::webhooks {

/// job.succeeded, job.failed or job.cancelled.
const char* event_name(jobs::job_state state);

class webhook_dispatcher {
public:
  webhook_dispatcher(webhook_settings settings, std::shared_ptr<webhook_outbox> outbox);
  ~webhook_dispatcher();
  webhook_dispatcher(const webhook_dispatcher&) = delete;
  webhook_dispatcher& operator=(const webhook_dispatcher&) = delete;

  /// A job reached a final state: its webhook (to its callback_url, else
  /// WEBHOOK_URL; none: nothing) goes into the outbox. Never waits on the
  /// network or Redis: safe from actor threads.
  void job_finished(const jobs::job_snapshot& job);

  /// Stops the threads, after they have stored what arrived and made the
  /// attempts due now (the webhooks of jobs the shutdown cancelled), for at
  /// most about an attempt's timeout. Pending deliveries stay in the
  /// outbox. Idempotent.
  void stop();

private:
  void run();
  bool add_arrivals();
  /// One due delivery attempted; false (and when to look again) if none was due.
  bool attempt_due(std::chrono::milliseconds& wait);
  void attempt(const claimed_delivery& claim);

  webhook_settings settings_;
  std::shared_ptr<webhook_outbox> outbox_;
  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<delivery_record> arrivals_;
  std::mt19937_64 random_{std::random_device{}()};
  bool stopping_ = false;
  std::chrono::steady_clock::time_point drain_until_;  ///< once stopping: no attempt starts later
  bool outbox_down_ = false;  ///< for the log: say it once per outage
  std::vector<std::thread> threads_;
};

} // namespace vs::webhooks
