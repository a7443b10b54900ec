#pragma once
// Manager: owns a process's controllers and everything around them, and
// starts and stops them in a fixed order (controller-runtime's):
//   1. the health and metrics HTTP servers (/healthz, /readyz, /metrics);
//   2. informers, then wait until every cache has synced (/readyz turns ok);
//   3. runnables that run on every replica;
//   4. leader election, if configured; while leading, the leader-only
//      runnables (controllers that write). Losing the lease ends Run() with
//      an error so the process exits and restarts clean, as client-go does.
// Shutdown (stop requested) runs the order backwards: runnables finish their
// work in hand, the lease is released, informers stop, servers close.
//
// Thread-safety: configure (Add*) before Run(); Run() is called once.

#include <functional>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <vector>

#include "base/clock.h"
#include "base/result.h"
#include "kubeclient/dynamic_client.h"
#include "runtime/http_server.h"
#include "runtime/informer.h"
#include "runtime/leader_election_config.h"
#include "runtime/metrics.h"

namespace drs::runtime {

struct ManagerOptions {
  std::string health_bind_address = ":8081";   // "0" (or empty) = no health server
  std::string metrics_bind_address = ":8080";  // "0" (or empty) = no metrics server
  std::optional<LeaderElectionConfig> leader_election;
  Clock::Duration cache_sync_timeout = std::chrono::minutes(2);
};

using RunnableFn = std::function<void(std::stop_token stop)>;

class Manager {
 public:
  // REQUIRES: `clock` outlives the manager. `lease_client` is needed (and
  // must outlive it) when options.leader_election is set.
  Manager(ManagerOptions options, Clock& clock, kubeclient::DynamicClient* lease_client);
  ~Manager();

  Registry& registry() { return registry_; }
  // Informers start before every runnable; /readyz waits for their sync.
  void AddInformer(Informer* informer);
  // `fn` runs on its own thread until its stop_token is requested.
  void AddRunnable(std::string name, RunnableFn fn, bool needs_leader_election);
  void AddReadinessCheck(const std::string& name, HealthCheckFn check);
  void AddLivenessCheck(const std::string& name, HealthCheckFn check);

  // Blocks until `stop` is requested (OK) or something fatal happened.
  Status Run(std::stop_token stop);

  bool IsLeader() const { return leading_; }
  std::uint16_t health_port() const { return health_ ? health_->port() : 0; }
  std::uint16_t metrics_port() const { return metrics_ ? metrics_->port() : 0; }

 private:
  struct Runnable {
    std::string name;
    RunnableFn fn;
    bool needs_leader;
  };
  Status StartServers();
  void StopServers();
  Status RunElected(std::stop_token stop);

  ManagerOptions options_;
  Clock& clock_;
  kubeclient::DynamicClient* lease_client_;
  Registry registry_;
  std::unique_ptr<HttpServer> health_;
  std::unique_ptr<HttpServer> metrics_;
  std::vector<Informer*> informers_;
  std::vector<Runnable> runnables_;
  std::atomic<bool> leading_{false};
  std::atomic<bool> caches_synced_{false};
  GaugeFamily* leader_gauge_ = nullptr;
};

}  // namespace drs::runtime
