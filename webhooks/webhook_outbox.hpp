#pragma once
/// Where pending webhook deliveries wait between attempts. Three kinds:
/// redis_outbox (with Redis: any worker claims what is due, a restart loses
/// nothing), sqlite_outbox (standalone: a file beside the job store, a
/// restart loses nothing) and memory_outbox (in this process, gone with it:
/// for tests and embedding).
///
/// A delivery is claimed for a lease before each attempt: nobody else gets
/// it meanwhile, and only the claim's holder may settle it afterwards.

#include "jobs/webhook_report.hpp"
#include "media/error.hpp"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace vs::webhooks {

/// One webhook to deliver, and how its delivery stands.
struct delivery_record {
  std::string id;               ///< the delivery id receivers de-duplicate on
  std::string job_id;
  std::string url;              ///< as the job (or WEBHOOK_URL) gave it
  std::string event;            ///< job.succeeded, job.failed, job.cancelled
  std::string body;             ///< the signed JSON, the same bytes every attempt
  int64_t created_ms = 0;
  int64_t deadline_ms = 0;      ///< no retry is scheduled after this
  std::string state = "pending";  ///< pending, delivered, failed
  std::vector<jobs::webhook_attempt> attempts;  ///< the latest jobs::webhook_attempts_kept
  int64_t attempt_count = 0;
  int64_t next_attempt_ms = 0;  ///< while pending
};

struct claimed_delivery {
  delivery_record record;
  std::string token;            ///< presented to settle
};

/// What a claim found.
struct claim_result {
  std::optional<claimed_delivery> claimed;
  int64_t next_due_ms = 0;      ///< nothing claimed: when the earliest is due (0: nothing pending)
};

class webhook_outbox {
public:
  virtual ~webhook_outbox() = default;

  /// Stores a new delivery (state pending, due at next_attempt_ms); from
  /// now on it is the job's latest. Adding the same id again changes nothing.
  virtual status add(const delivery_record& delivery) = 0;

  /// The earliest pending delivery due at `now_ms`, claimed until `lease_end_ms`.
  virtual expected<claim_result> claim(int64_t now_ms, int64_t lease_end_ms, const std::string& worker) = 0;

  /// Stores `updated` (its state, attempts, next_attempt_ms) after an
  /// attempt. False: the claim was lost (its lease ran out and another
  /// worker claimed it), nothing stored.
  virtual expected<bool> settle(const claimed_delivery& claim, const delivery_record& updated) = 0;

  /// The job's latest delivery (without its body), if it has one.
  virtual expected<std::optional<delivery_record>> latest_for_job(const std::string& job_id) = 0;
};

/// The attempts as stored: [{"at":ms,"status":n,"error":"...","ms":n}, ...].
std::string attempts_to_json(const std::vector<jobs::webhook_attempt>& attempts);
std::vector<jobs::webhook_attempt> attempts_from_json(const std::string& text);

/// The job snapshot's view of a delivery.
jobs::webhook_report report_of(const delivery_record& delivery);

} // namespace vs::webhooks
