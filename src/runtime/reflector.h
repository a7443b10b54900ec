#pragma once
// Reflector: keeps a Store equal to one resource type (in one namespace or
// all) on one cluster. LIST (paged) then WATCH from the list's
// resourceVersion; bookmarks advance the version; a watch that ends or
// breaks resumes from the last version seen; 410 Gone (the version was
// compacted away) relists. Every change reaches the handlers as
// add/update/delete, including the differences a relist finds, so a
// consumer that only enqueues keys never misses an object.
//
// The next step after each list/watch outcome is decided by the pure
// function NextStep (unit-tested); Run() performs the I/O.
//
// Thread-safety: Run() is called once, on its own thread; HasSynced(),
// stats() and the store are safe from any thread. Handlers run on the Run()
// thread and must not block (they should only enqueue keys).

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/result.h"
#include "kubeclient/dynamic_client.h"
#include "kubeclient/watch.h"
#include "runtime/store.h"

namespace drs::runtime {

struct EventHandlers {
  std::function<void(const ObjectPtr& obj, bool in_initial_list)> on_add;
  std::function<void(const ObjectPtr& old_obj, const ObjectPtr& new_obj)> on_update;
  std::function<void(const ObjectPtr& last_known)> on_delete;
};

// What the reflector does next.
enum class ReflectorStep {
  kList,          // (re)list, then watch from the list's version
  kWatch,         // watch from the last version seen, at once
  kBackoffWatch,  // wait (backoff), then watch from the last version
  kBackoffList,   // wait (backoff), then relist
  kStop,
};

// REQUIRES: `outcome` comes from a watch (has_version: a version to resume from).
ReflectorStep NextStepAfterWatch(const Result<kubeclient::WatchEnd>& outcome, bool has_version);
ReflectorStep NextStepAfterList(const Status& outcome);

struct ReflectorOptions {
  kubeclient::Gvr gvr;
  std::string ns;  // "" = all namespaces (or a cluster-scoped type)
  std::string label_selector;
  std::string field_selector;
  std::int64_t page_size = kubeclient::DynamicClient::kDefaultPageSize;
  kubeclient::WatchOptions watch;  // timeout and idle timeout; version and selectors are set here
  // Cache objects without metadata.managedFields (often half their size) for
  // consumers that never read it.
  bool drop_managed_fields = false;
  // Optional: reshapes each object before it is cached and handed to the
  // handlers (client-go's TransformFunc) — e.g. keep only the metadata a
  // change detector needs. It must keep metadata.name, namespace and
  // resourceVersion.
  std::function<void(nlohmann::json&)> transform;
  // client-go's reflector backoff: 800 ms doubling to 30 s, with jitter.
  BackoffPolicy backoff{.initial = std::chrono::milliseconds(800),
                        .max = std::chrono::seconds(30),
                        .factor = 2.0,
                        .jitter = 0.2};
};

struct ReflectorStats {
  std::atomic<std::int64_t> lists{0};
  std::atomic<std::int64_t> watches{0};
  std::atomic<std::int64_t> relists_after_gone{0};
  std::atomic<std::int64_t> watch_errors{0};
  std::atomic<std::int64_t> events{0};
};

class Reflector {
 public:
  // REQUIRES: `client`, `store` and `clock` outlive the reflector.
  Reflector(kubeclient::DynamicClient& client, Store& store, Clock& clock, ReflectorOptions options,
            EventHandlers handlers);

  // Runs until stopped. Returns OK on stop; never returns on transient errors.
  void Run(std::stop_token stop);

  // True once the first list has been stored.
  bool HasSynced() const { return synced_; }
  const ReflectorStats& stats() const { return stats_; }
  // The last error seen (empty once a later list/watch succeeded).
  std::string LastError() const;

 private:
  Status List(std::stop_token stop);
  Result<kubeclient::WatchEnd> WatchOnce(std::stop_token stop);
  void Apply(kubeclient::WatchEvent&& event);
  void SetError(std::string message);

  kubeclient::DynamicClient& client_;
  Store& store_;
  Clock& clock_;
  const ReflectorOptions options_;
  const EventHandlers handlers_;
  ExponentialBackoff backoff_;
  std::string resource_version_;  // only touched on the Run() thread
  bool saw_event_ = false;        // in the current watch; only touched on the Run() thread
  std::atomic<bool> synced_{false};
  ReflectorStats stats_;
  mutable std::mutex error_mu_;
  std::string last_error_;  // guarded by error_mu_
};

}  // namespace drs::runtime
