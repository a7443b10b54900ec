#pragma once
// HealthChecks: the named probes behind /healthz or /readyz, answered the
// way Kubernetes components answer them (k8s.io/apiserver healthz):
//   all pass            200 "ok"
//   all pass, ?verbose  200 "[+]cache ok\n[+]leader ok\nreadyz check passed\n"
//   any fails           500 "[+]cache ok\n[-]leader failed: reason withheld\nreadyz check failed\n"
// A failure's reason is withheld from the response (the port may be
// reachable by anyone in the cluster) and logged instead — once when a check
// starts failing and once when it recovers, not on every probe.
//
// Thread-safety: thread-safe. Checks run on the HTTP server's threads,
// possibly several at once, without any lock held; they must be quick
// (kubelet probes time out in about a second) and must not block on I/O.

#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <vector>

#include "base/result.h"

namespace drs::runtime {

using HealthCheckFn = std::function<Status()>;

struct HealthResponse {
  int status = 0;  // HTTP status
  std::string body;
};

class HealthChecks {
 public:
  // `endpoint` names the set in bodies and logs: "healthz", "readyz".
  explicit HealthChecks(std::string endpoint) : endpoint_(std::move(endpoint)) {}

  // Adds a check, or replaces the one already called `name`. Checks are
  // listed in the order first added.
  void Add(const std::string& name, HealthCheckFn check);

  // Runs every check not in `excluded`. Excluded checks are listed as
  // "[+]name excluded: ok" in a verbose or failed response.
  HealthResponse Run(bool verbose, const std::set<std::string>& excluded = {});

 private:
  struct Entry {
    std::string name;
    HealthCheckFn check;
    bool last_ok = true;  // for logging transitions only
  };
  void LogTransitions(const std::vector<std::pair<std::string, Status>>& results);

  const std::string endpoint_;
  std::mutex mu_;
  std::vector<Entry> entries_;  // guarded by mu_
};

}  // namespace drs::runtime
