#include "webhooks/webhook_job_service.hpp"

#include <spdlog/spdlog.h>

namespace vs::webhooks {

webhook_job_service::webhook_job_service(jobs::job_service& inner, std::shared_ptr<webhook_outbox> reports,
                                         std::vector<allowed_host> allowed_hosts)
    : inner_(inner), reports_(std::move(reports)), allowed_hosts_(std::move(allowed_hosts)) {}

expected<std::string> webhook_job_service::submit(media::render_spec spec) {
  if (!spec.callback_url.empty()) {
    auto url = parse_callback_url(spec.callback_url);
    if (!url)
      return url.error();
    if (auto allowed = check_literal_host(*url, allowed_hosts_); !allowed)
      return allowed.error();
  }
  return inner_.submit(std::move(spec));
}

expected<jobs::job_snapshot> webhook_job_service::find(const std::string& id) {
  // The delivery first, then the job: a delivery exists only once its job
  // ended, so the job read after it is final too. Read the other way round,
  // a job that ended between the two reads showed "processing" beside a
  // delivered webhook (seen in tests/webhooks/delivery_test under load).
  auto latest = reports_->latest_for_job(id);
  auto job = inner_.find(id);
  if (!job)
    return job;
  if (!latest)
    // The job is still worth showing without it.
    spdlog::debug("webhooks: the delivery state of job {} is unavailable: {}", id, latest.error().message);
  else if (*latest)
    job->webhook = report_of(**latest);
  return job;
}

} // namespace vs::webhooks
