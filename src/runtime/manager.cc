#include "runtime/manager.h"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "base/logging.h"
#include "runtime/leader_election.h"
#include "runtime/process_metrics.h"

namespace drs::runtime {
namespace {

bool Disabled(const std::string& bind) { return bind.empty() || bind == "0"; }

// Runs each runnable on a jthread that stops and joins on destruction.
std::vector<std::jthread> StartAll(const std::vector<std::pair<std::string, RunnableFn>>& fns,
                                   std::stop_token stop) {
  std::vector<std::jthread> threads;
  for (const auto& [name, fn] : fns) {
    GetLogger("manager")->info(Fields("starting", {{"runnable", name}}));
    threads.emplace_back([fn = fn, stop] { fn(stop); });
  }
  return threads;
}

}  // namespace

Manager::Manager(ManagerOptions options, Clock& clock, kubeclient::DynamicClient* lease_client)
    : options_(std::move(options)), clock_(clock), lease_client_(lease_client) {
  RegisterProcessMetrics(registry_);
  leader_gauge_ = &registry_.AddGauge("leader_election_master_status",
                                      "1 while this process holds the leader lease.", {"name"});
}

Manager::~Manager() { StopServers(); }

void Manager::AddInformer(Informer* informer) { informers_.push_back(informer); }

void Manager::AddRunnable(std::string name, RunnableFn fn, bool needs_leader_election) {
  runnables_.push_back({std::move(name), std::move(fn), needs_leader_election});
}

void Manager::AddReadinessCheck(const std::string& name, HealthCheckFn check) {
  if (!health_) {
    health_ = std::make_unique<HttpServer>(HttpServerOptions{
        .bind_address =
            Disabled(options_.health_bind_address) ? "127.0.0.1:0" : options_.health_bind_address});
  }
  health_->AddReadinessCheck(name, std::move(check));
}

void Manager::AddLivenessCheck(const std::string& name, HealthCheckFn check) {
  if (!health_) {
    health_ = std::make_unique<HttpServer>(HttpServerOptions{
        .bind_address =
            Disabled(options_.health_bind_address) ? "127.0.0.1:0" : options_.health_bind_address});
  }
  health_->AddLivenessCheck(name, std::move(check));
}

Status Manager::StartServers() {
  if (!Disabled(options_.health_bind_address)) {
    AddLivenessCheck("ping", [] { return OkStatus(); });
    AddReadinessCheck("informers-synced", [this]() -> Status {
      if (caches_synced_) return OkStatus();
      return FailedPreconditionError("caches have not synced yet");
    });
    DRS_RETURN_IF_ERROR(health_->Start());
  } else {
    health_.reset();
  }
  if (!Disabled(options_.metrics_bind_address)) {
    metrics_ = std::make_unique<HttpServer>(
        HttpServerOptions{.bind_address = options_.metrics_bind_address, .registry = &registry_});
    DRS_RETURN_IF_ERROR(metrics_->Start());
  }
  return OkStatus();
}

void Manager::StopServers() {
  if (metrics_) metrics_->Stop();
  if (health_) health_->Stop();
}

Status Manager::Run(std::stop_token stop) {
  auto log = GetLogger("manager");
  if (options_.leader_election && lease_client_ == nullptr) {
    return InvalidError("leader election needs a client for its Lease");
  }
  if (auto started = StartServers(); !started.ok()) {
    return std::move(started).error().WithContext("starting the health and metrics servers");
  }
  log->info(Fields("serving", {{"healthz_port", std::to_string(health_port())},
                               {"metrics_port", std::to_string(metrics_port())}}));

  std::stop_source informers_stop;
  for (Informer* informer : informers_) informer->Start(informers_stop.get_token());
  for (Informer* informer : informers_) {
    if (!informer->WaitForSync(stop, options_.cache_sync_timeout)) {
      informers_stop.request_stop();
      for (Informer* i : informers_) i->Stop();
      StopServers();
      if (stop.stop_requested()) return OkStatus();
      return DeadlineExceededError("an informer did not sync within the cache sync timeout: " +
                                   informer->reflector().LastError());
    }
  }
  caches_synced_ = true;
  log->info("caches synced");

  Status result;
  {
    std::vector<std::pair<std::string, RunnableFn>> everywhere;
    for (const auto& r : runnables_) {
      if (!r.needs_leader) everywhere.emplace_back(r.name, r.fn);
    }
    auto threads = StartAll(everywhere, stop);
    result = RunElected(stop);
    // `threads` join here: they watch the same `stop`.
    if (!result.ok()) {
      log->error(Fields("stopping after a fatal error", {{"error", result.error().ToString()}}));
    }
  }
  informers_stop.request_stop();
  for (Informer* informer : informers_) informer->Stop();
  StopServers();
  log->info("stopped");
  return result;
}

Status Manager::RunElected(std::stop_token stop) {
  std::vector<std::pair<std::string, RunnableFn>> leader_only;
  for (const auto& r : runnables_) {
    if (r.needs_leader) leader_only.emplace_back(r.name, r.fn);
  }
  if (!options_.leader_election) {
    leading_ = true;
    auto threads = StartAll(leader_only, stop);
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait(lock, stop, [] { return false; });  // until stopped
    return OkStatus();
  }
  auto& gauge = leader_gauge_->WithLabels({options_.leader_election->lease_name});
  LeaderCallbacks callbacks{
      .on_started_leading =
          [&](std::stop_token term) {
            leading_ = true;
            gauge.Set(1);
            auto threads = StartAll(leader_only, term);
            // The runnables end with the term; the jthreads join on return.
          },
      .on_stopped_leading =
          [&] {
            leading_ = false;
            gauge.Set(0);
          },
      .on_new_leader =
          [](const std::string& identity) {
            GetLogger("manager")->info(Fields("new leader", {{"identity", identity}}));
          },
  };
  DRS_ASSIGN_OR_RETURN(auto elector,
                       LeaderElector::Create(*options_.leader_election, std::move(callbacks),
                                             *lease_client_, clock_));
  Status ran = elector->Run(stop);
  if (stop.stop_requested()) return OkStatus();
  if (ran.ok()) return UnavailableError("leader election ended without a stop request");
  return std::move(ran).error().WithContext("leader election");
}

}  // namespace drs::runtime
