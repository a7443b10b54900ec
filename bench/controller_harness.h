#pragma once
// ControllerHarness: drives a running dr-syncer controller for
// continuous_bench through the API, as a user would: a Secret with the DR
// cluster's kubeconfig and RemoteCluster "dr" (QPS limit lifted), then one
// Continuous Replication per source namespace ("r-<ns>", copying to
// "<ns>-dr"), of which only the one being measured is left unpaused.
//
// Thread-safety: not thread-safe; one driver thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <set>
#include <string>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "kubeclient/dynamic_client.h"

namespace drs::bench {

class ControllerHarness {
 public:
  // REQUIRES: `source` (the cluster the controller runs in, watching `ns`)
  // outlives the harness; `pid` is the controller's process.
  ControllerHarness(kubeclient::DynamicClient& source, std::string ns, int pid)
      : source_(source), ns_(std::move(ns)), pid_(pid) {}

  // Creates the Secret and RemoteCluster "dr"; waits until it is Ready.
  Status ConnectDestination(const std::string& dr_kubeconfig);

  // Creates or updates the Replication of `src_ns` (unpaused, with
  // `debounce`), pausing every other; waits for its sync of that
  // generation and returns the Replication's status. While waiting,
  // `max_rss` (if set) takes the largest RSS of the controller seen.
  Result<nlohmann::json> Activate(const std::string& src_ns, const std::string& debounce,
                                  std::int64_t* max_rss = nullptr);

  // "<ns>/r-<src_ns>": the key the controller logs.
  std::string Key(const std::string& src_ns) const { return ns_ + "/" + Name(src_ns); }

  // Polls `done` every 100 ms until true or `timeout`; sampling the
  // controller's RSS into `max_rss` when set.
  bool PollFor(const std::function<bool()>& done, std::chrono::steady_clock::duration timeout,
               std::int64_t* max_rss = nullptr) const;

 private:
  static std::string Name(const std::string& src_ns) { return "r-" + src_ns; }
  Status Pause(const std::string& src_ns);

  kubeclient::DynamicClient& source_;
  const std::string ns_;
  const int pid_;
  std::set<std::string> replicated_;  // source namespaces with a Replication
};

}  // namespace drs::bench
