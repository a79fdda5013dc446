#include "webhooks/webhook_dispatcher.hpp"

#include "api/job_json.hpp"
#include "jobs/job_time.hpp"
#include "jobs/json_text.hpp"
#include "webhooks/webhook_sender.hpp"
#include "webhooks/webhook_signature.hpp"

#include <nlohmann/json.hpp>
#include <openssl/rand.h>
#include <spdlog/spdlog.h>

#include <algorithm>

namespace vs::webhooks {

namespace {

/// 128 random bits as hex: unique across workers without coordination.
std::string new_delivery_id() {
  unsigned char bytes[16];
  if (RAND_bytes(bytes, sizeof bytes) != 1)
    throw std::runtime_error("RAND_bytes failed");
  static const char* const digits = "0123456789abcdef";
  std::string id = "wh_";
  for (unsigned char byte : bytes) {
    id += digits[byte >> 4];
    id += digits[byte & 0xF];
  }
  return id;
}

bool is_success(int status) { return status >= 200 && status < 300; }

struct attempt_made {
  jobs::webhook_attempt attempt;
  bool final_failure = false;  ///< no later attempt can succeed
};

/// One attempt: the URL, the address rule on what the host resolves to,
/// the signed POST.
attempt_made make_attempt(const delivery_record& delivery, const webhook_settings& settings) {
  const auto started = std::chrono::steady_clock::now();
  attempt_made made;
  jobs::webhook_attempt& attempt = made.attempt;
  attempt.at_ms = jobs::now_ms();
  auto url = parse_callback_url(delivery.url);
  if (!url) {
    attempt.error = url.error().message;
    made.final_failure = true;
  } else if (auto checked = resolve_checked(*url, settings.allowed_hosts); !checked) {
    attempt.error = checked.error().message;
    // The rule refused the address: no retry will change that. A name that
    // does not resolve (yet) is tried again.
    made.final_failure = checked.error().code == errc::forbidden_path;
  } else {
    outgoing_request request;
    request.url = *url;
    request.addresses = checked->addresses;
    request.body = delivery.body;
    request.timeout = settings.attempt_timeout;
    request.ca_file = settings.ca_file;
    request.headers = {{"User-Agent", "video-service/" VS_VERSION " (webhooks)"},
                       {delivery_header, delivery.id},
                       {event_header, delivery.event},
                       {attempt_header, std::to_string(delivery.attempt_count + 1)}};
    if (!settings.secret.empty())
      request.headers.emplace_back(signature_header, sign(settings.secret, attempt.at_ms / 1000, delivery.body));
    attempt_outcome outcome = send_webhook(request);
    attempt.status = outcome.status;
    attempt.error = outcome.error;
  }
  attempt.ms =
    std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - started).count();
  return made;
}

} // namespace

const char* event_name(jobs::job_state state) {
  switch (state) {
    case jobs::job_state::success: return "job.succeeded";
    case jobs::job_state::failed: return "job.failed";
    case jobs::job_state::cancelled: return "job.cancelled";
    default: return "job.updated";
  }
}

webhook_dispatcher::webhook_dispatcher(webhook_settings settings, std::shared_ptr<webhook_outbox> outbox)
    : settings_(std::move(settings)), outbox_(std::move(outbox)) {
  if (settings_.secret.empty())
    spdlog::warn("webhooks: WEBHOOK_SECRET is not set: webhooks are sent unsigned (no {} header)", signature_header);
  for (int i = 0; i < std::max(1, settings_.concurrency); ++i)
    threads_.emplace_back([this] { run(); });
}

webhook_dispatcher::~webhook_dispatcher() { stop(); }

void webhook_dispatcher::job_finished(const jobs::job_snapshot& job) {
  const std::string& url = job.spec.callback_url.empty() ? settings_.default_url : job.spec.callback_url;
  if (url.empty() || !jobs::is_final(job.state))
    return;
  delivery_record delivery;
  delivery.id = new_delivery_id();
  delivery.job_id = job.id;
  delivery.url = url;
  delivery.event = event_name(job.state);
  nlohmann::json body = api::snapshot_json(job);
  body["event"] = delivery.event;
  body["delivery_id"] = delivery.id;
  delivery.body = jobs::json_text(body);
  delivery.created_ms = jobs::now_ms();
  delivery.deadline_ms = delivery.created_ms + settings_.retry_window.count();
  delivery.next_attempt_ms = delivery.created_ms;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_) {
      spdlog::error("webhooks: job {} ended after the webhook threads stopped: its {} is not sent", job.id,
                    delivery.event);
      return;
    }
    arrivals_.push_back(std::move(delivery));
  }
  wake_.notify_one();
}

void webhook_dispatcher::stop() {
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (stopping_)
      return;
    stopping_ = true;
    drain_until_ = std::chrono::steady_clock::now() + settings_.attempt_timeout;
  }
  wake_.notify_all();
  for (auto& thread : threads_)
    thread.join();
  threads_.clear();
  if (!add_arrivals())
    spdlog::error("webhooks: {} webhooks could not be stored and are not sent", arrivals_.size());
}

/// Moves arrivals into the outbox, in order; false if the outbox refused
/// (Redis away): they stay and are tried again.
bool webhook_dispatcher::add_arrivals() {
  std::deque<delivery_record> arrived;
  {
    std::lock_guard<std::mutex> guard(mutex_);
    arrived.swap(arrivals_);
  }
  while (!arrived.empty()) {
    if (auto added = outbox_->add(arrived.front()); !added) {
      spdlog::warn("webhooks: storing the webhook of job {} failed: {}; retrying", arrived.front().job_id,
                   added.error().message);
      std::lock_guard<std::mutex> guard(mutex_);
      arrivals_.insert(arrivals_.begin(), arrived.begin(), arrived.end());
      return false;
    }
    spdlog::debug("webhooks: {} for job {} queued as {}", arrived.front().event, arrived.front().job_id,
                  arrived.front().id);
    arrived.pop_front();
  }
  return true;
}

void webhook_dispatcher::run() {
  for (;;) {
    bool stored = add_arrivals();
    bool draining = false;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      if (stopping_ && std::chrono::steady_clock::now() >= drain_until_)
        return;
      draining = stopping_;
    }
    std::chrono::milliseconds wait = settings_.poll_interval;
    if (stored && attempt_due(wait))
      continue;
    // Stopping: what was due has had its attempt; the rest stays pending.
    if (draining)
      return;
    // New arrivals wake a thread at once, unless the outbox just refused
    // them: then they wait for the next round like everything else.
    std::unique_lock<std::mutex> lock(mutex_);
    wake_.wait_for(lock, std::clamp(wait, std::chrono::milliseconds(1), settings_.poll_interval),
                   [this, stored] { return stopping_ || (stored && !arrivals_.empty()); });
  }
}

bool webhook_dispatcher::attempt_due(std::chrono::milliseconds& wait) {
  const int64_t now = jobs::now_ms();
  auto claimed = outbox_->claim(now, now + claim_lease(settings_).count(), settings_.worker_id);
  if (!claimed) {
    std::lock_guard<std::mutex> guard(mutex_);
    if (!std::exchange(outbox_down_, true))
      spdlog::warn("webhooks: cannot read pending deliveries: {}; retrying", claimed.error().message);
    return false;
  }
  {
    std::lock_guard<std::mutex> guard(mutex_);
    if (std::exchange(outbox_down_, false))
      spdlog::info("webhooks: pending deliveries readable again");
  }
  if (!claimed->claimed) {
    if (claimed->next_due_ms > 0)
      wait = std::chrono::milliseconds(std::max<int64_t>(claimed->next_due_ms - now, 1));
    return false;
  }
  attempt(*claimed->claimed);
  return true;
}

void webhook_dispatcher::attempt(const claimed_delivery& claim) {
  const delivery_record& delivery = claim.record;
  attempt_made made = make_attempt(delivery, settings_);
  delivery_record updated = delivery;
  updated.attempt_count = delivery.attempt_count + 1;
  updated.attempts.push_back(made.attempt);
  if (updated.attempts.size() > jobs::webhook_attempts_kept)
    updated.attempts.erase(updated.attempts.begin(),
                           updated.attempts.end() - static_cast<std::ptrdiff_t>(jobs::webhook_attempts_kept));
  updated.next_attempt_ms = 0;
  const int status = made.attempt.status;
  const std::string shown = redacted_url(delivery.url);
  const std::string result = status != 0 ? "HTTP " + std::to_string(status) : made.attempt.error;
  if (is_success(status)) {
    updated.state = "delivered";
    spdlog::info("webhooks: {} of job {} delivered to {} ({}, attempt {})", delivery.event, delivery.job_id, shown,
                 result, updated.attempt_count);
  } else if (status == 410 || made.final_failure) {
    updated.state = "failed";
    spdlog::warn("webhooks: {} of job {} to {} failed for good: {}{}", delivery.event, delivery.job_id, shown, result,
                 status == 410 ? " (the receiver is gone: no more attempts)" : "");
  } else {
    std::chrono::milliseconds wait;
    {
      std::lock_guard<std::mutex> guard(mutex_);
      wait = settings_.schedule.wait_after(updated.attempt_count, random_);
    }
    const int64_t next = jobs::now_ms() + wait.count();
    if (next > delivery.deadline_ms) {
      updated.state = "failed";
      spdlog::warn("webhooks: {} of job {} to {} failed: {}; giving up after {} attempts (WEBHOOK_RETRY_SECONDS)",
                   delivery.event, delivery.job_id, shown, result, updated.attempt_count);
    } else {
      updated.state = "pending";
      updated.next_attempt_ms = next;
      spdlog::info("webhooks: {} of job {} to {}: {}; attempt {} in {} ms", delivery.event, delivery.job_id, shown,
                   result, updated.attempt_count + 1, wait.count());
    }
  }
  auto settled = outbox_->settle(claim, updated);
  if (!settled)
    spdlog::warn("webhooks: recording attempt {} of {} failed: {}; it will be made again once its claim runs out",
                 updated.attempt_count, delivery.id, settled.error().message);
  else if (!*settled)
    spdlog::warn("webhooks: attempt {} of {} took longer than its claim; another worker took it over",
                 updated.attempt_count, delivery.id);
}

} // namespace vs::webhooks
