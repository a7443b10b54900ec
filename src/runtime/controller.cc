#include "runtime/controller.h"

#include <exception>
#include <thread>
#include <vector>

#include "base/logging.h"
#include "runtime/key_func.h"

namespace drs::runtime {

Controller::Controller(Reconciler& reconciler, Clock& clock, ControllerOptions options)
    : reconciler_(reconciler),
      clock_(clock),
      name_(options.name),
      workers_(options.workers < 1 ? 1 : options.workers),
      queue_(clock, WorkQueueOptions{.name = options.name,
                                     .rate_limiter = std::move(options.rate_limiter),
                                     .metrics_provider = options.queue_metrics}) {
  if (options.registry != nullptr) {
    reconciles_ = &options.registry->AddCounter("controller_runtime_reconcile_total",
                                                "Reconciles per controller and result.",
                                                {"controller", "result"});
    reconcile_seconds_ = &options.registry->AddHistogram(
        "controller_runtime_reconcile_time_seconds", "Time per reconcile.", {"controller"});
  }
}

Controller::~Controller() { queue_.ShutDown(); }

EventHandlers Controller::EnqueueHandlers() {
  auto enqueue = [this](const ObjectPtr& obj) {
    auto key = MetaNamespaceKeyFunc(*obj);
    if (key.ok()) queue_.Add(*key);
  };
  return EventHandlers{
      .on_add = [enqueue](const ObjectPtr& obj, bool) { enqueue(obj); },
      .on_update = [enqueue](const ObjectPtr&, const ObjectPtr& obj) { enqueue(obj); },
      .on_delete = [enqueue](const ObjectPtr& obj) { enqueue(obj); },
  };
}

void Controller::Run(std::stop_token stop) {
  GetLogger("controller")
      ->info(Fields("starting workers",
                    {{"controller", name_}, {"workers", std::to_string(workers_)}}));
  {
    std::vector<std::jthread> workers;
    for (int i = 0; i < workers_; ++i) {
      workers.emplace_back([this, stop] { Worker(stop); });
    }
    // Workers return once `stop` is requested (Get(stop) wakes up), after
    // finishing the reconcile in hand; the jthreads join here.
  }
  queue_.ShutDown();
  GetLogger("controller")->info(Fields("workers stopped", {{"controller", name_}}));
}

void Controller::Worker(std::stop_token stop) {
  while (auto key = queue_.Get(stop)) {
    ProcessOne(*key, stop);
    queue_.Done(*key);
  }
}

void Controller::ProcessOne(const std::string& key, std::stop_token stop) {
  auto log = GetLogger("controller");
  const auto started = clock_.Now();
  std::string outcome;
  try {
    auto result = reconciler_.Reconcile(key, stop);
    if (result.ok()) {
      queue_.Forget(key);
      if (result->requeue_after) {
        queue_.AddAfter(key, *result->requeue_after);
        outcome = "requeue_after";
      } else {
        outcome = "success";
      }
    } else if (result.error().terminal() || result.error().code() == ErrorCode::kCancelled) {
      queue_.Forget(key);
      outcome = "error";
      if (result.error().code() != ErrorCode::kCancelled) {
        log->error(
            Fields("reconcile failed; not retrying until the object changes",
                   {{"controller", name_}, {"object", key}, {"error", result.error().ToString()}}));
      }
    } else {
      queue_.AddRateLimited(key);
      outcome = "error";
      log->warn(Fields("reconcile failed; will retry",
                       {{"controller", name_},
                        {"object", key},
                        {"retries", std::to_string(queue_.NumRequeues(key))},
                        {"error", result.error().ToString()}}));
    }
  } catch (const std::exception& e) {
    // The one catch-all of the runtime: a bug in one reconcile must not take
    // the process down; the key is retried with backoff.
    queue_.AddRateLimited(key);
    outcome = "error";
    log->error(
        Fields("reconcile threw", {{"controller", name_}, {"object", key}, {"what", e.what()}}));
  }
  if (reconciles_ != nullptr) {
    reconciles_->WithLabels({name_, outcome}).Inc();
    reconcile_seconds_->WithLabels({name_}).Observe(
        std::chrono::duration<double>(clock_.Now() - started).count());
  }
}

}  // namespace drs::runtime
