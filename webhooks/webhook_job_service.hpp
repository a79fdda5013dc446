#pragma once
/// The job service as the HTTP API sees it once webhooks are on: a job's
/// callback_url is checked against the address rule at submit (what can be
/// decided without DNS: an address literal), and a job's snapshot carries
/// its latest webhook delivery (`"webhook"` in GET /jobs/{id} and in
/// DELETE's answer), read from the outbox, so with Redis any worker shows
/// it. Everything else passes through.

#include "jobs/job_service.hpp"
#include "webhooks/address_policy.hpp"
#include "webhooks/webhook_outbox.hpp"

#include <memory>
#include <vector>

namespace vs::webhooks {

class webhook_job_service final : public jobs::job_service {
public:
  webhook_job_service(jobs::job_service& inner, std::shared_ptr<webhook_outbox> reports,
                      std::vector<allowed_host> allowed_hosts);

  expected<std::string> submit(media::render_spec spec) override;
  expected<jobs::job_snapshot> find(const std::string& id) override;
  using jobs::job_service::recent;
  std::vector<jobs::job_snapshot> recent(const jobs::job_query& query) override { return inner_.recent(query); }
  status cancel(const std::string& id) override { return inner_.cancel(id); }
  expected<jobs::job_snapshot> wait(const std::string& id, std::chrono::milliseconds timeout) override {
    return inner_.wait(id, timeout);
  }
  jobs::service_stats stats() override { return inner_.stats(); }
  jobs::queue_admin* admin() override { return inner_.admin(); }
  expected<std::map<std::string, std::string>> find_task(const std::string& id) override {
    return inner_.find_task(id);
  }

private:
  jobs::job_service& inner_;
  std::shared_ptr<webhook_outbox> reports_;
  std::vector<allowed_host> allowed_hosts_;
};

} // namespace vs::webhooks
