#pragma once
// SourceWatches: Continuous mode's eyes on the source. For each Continuous
// Replication, one informer per resource type of its source namespace;
// any add, change or delete after the initial list calls `on_change` with
// the Replication's key and the object, which the controller turns into a
// debounced sync of the changed objects. The cache keeps only each object's
// identity (name, namespace, uid, resourceVersion): the sync reads the
// object again anyway.
// Watches are rebuilt when the Replication's generation, its set of source
// namespaces (a namespaceSelector's matches) or the source connection
// changes, and stopped when it leaves Continuous mode or goes away.
//
// Thread-safety: thread-safe.

#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "base/clock.h"
#include "controller/remotecluster/cluster_connection.h"
#include "runtime/informer.h"
#include "sync/namespace_sync.h"

namespace drs::controller {

class SourceWatches {
 public:
  struct Change {
    sync::ChangedObject object;
    bool deleted = false;
  };
  using OnChange = std::function<void(const std::string& replication_key, const Change& change)>;

  SourceWatches(Clock& clock, OnChange on_change)
      : clock_(clock), on_change_(std::move(on_change)) {}
  ~SourceWatches();

  // Starts (or keeps) the watches of `key` for this generation: each type
  // in each of `namespaces`. `keep_alive` holds the source connection open
  // while watching.
  void Ensure(const std::string& key, std::int64_t generation, kubeclient::DynamicClient& client,
              std::shared_ptr<const ClusterConnection> keep_alive,
              const std::vector<std::string>& namespaces,
              const std::vector<kube::GroupVersionResource>& types);
  void Stop(const std::string& key);
  bool Watching(const std::string& key) const;

 private:
  struct Set {
    // Stopping a watch takes up to a second (libcurl notices a stop at its
    // progress callback): ask every informer first, then wait for all.
    ~Set() {
      for (auto& i : informers) i->RequestStop();
    }
    std::int64_t generation = 0;
    std::vector<std::string> namespaces;
    kubeclient::DynamicClient* client = nullptr;
    std::shared_ptr<const ClusterConnection> keep_alive;
    std::vector<std::unique_ptr<runtime::Informer>> informers;
  };
  Clock& clock_;
  OnChange on_change_;
  mutable std::mutex mu_;
  std::map<std::string, std::unique_ptr<Set>> sets_;  // guarded by mu_
};

}  // namespace drs::controller
