#pragma once
// ClusterConnection and ClusterConnections: the clients dr-syncer holds for
// each RemoteCluster, built from that RemoteCluster's own kubeconfig
// Secret. Two RemoteClusters never share a client, credentials or key
// material, even when their Secrets hold identical bytes (the Go dr-syncer
// mixed them up when two RemoteClusters used the same Secret name).
// A connection is rebuilt only when the kubeconfig bytes, context or client
// limits change, so connections and caches survive unrelated updates.
//
// Thread-safety: ClusterConnections is thread-safe; a ClusterConnection is
// immutable and shared (shared_ptr<const>), its clients are thread-safe.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"
#include "kubeclient/discovery.h"
#include "kubeclient/dynamic_client.h"
#include "kubeclient/rest_client.h"
#include "runtime/metrics.h"
#include "runtime/rest_client_metrics.h"

namespace drs::controller {

struct ConnectionSettings {
  std::string uid;           // the RemoteCluster's UID: the cache key
  std::string display_name;  // "namespace/name", for errors and metrics
  SecretBytes kubeconfig;    // the Secret's bytes
  std::string context;       // "" = the kubeconfig's current-context
  double qps = 50;
  int burst = 100;
};

class ClusterConnection {
 public:
  // `registry` (may be null) gets the connection's request metrics,
  // labelled cluster=<namespace/name>.
  static Result<std::shared_ptr<const ClusterConnection>> Build(
      const ConnectionSettings& settings, Clock& clock, runtime::Registry* registry = nullptr);
  kubeclient::RestClient& rest() const { return *rest_; }
  kubeclient::Discovery& discovery() const { return *discovery_; }
  kubeclient::DynamicClient& dynamic() const { return *dynamic_; }
  const std::string& server() const { return server_; }
  const std::string& fingerprint() const { return fingerprint_; }

 private:
  ClusterConnection() = default;
  std::unique_ptr<runtime::RestClientMetrics> metrics_;  // outlives rest_ (declared first)
  std::unique_ptr<kubeclient::RestClient> rest_;
  std::unique_ptr<kubeclient::Discovery> discovery_;
  std::unique_ptr<kubeclient::DynamicClient> dynamic_;
  std::string server_;
  std::string fingerprint_;  // SHA-256 of what it was built from (never the bytes)
};

class ClusterConnections {
 public:
  // REQUIRES: `clock` and `registry` (may be null) outlive this object.
  explicit ClusterConnections(Clock& clock, runtime::Registry* registry = nullptr)
      : clock_(clock), registry_(registry) {}

  // The connection for these settings: the cached one if it was built from
  // the same inputs, else a new one that replaces it.
  Result<std::shared_ptr<const ClusterConnection>> Ensure(const ConnectionSettings& settings);
  // The current connection of a RemoteCluster ("namespace/name"), if any.
  std::shared_ptr<const ClusterConnection> Get(const std::string& display_name) const;
  void Remove(const std::string& uid);
  std::size_t size() const;

 private:
  Clock& clock_;
  runtime::Registry* registry_;
  mutable std::mutex mu_;
  std::map<std::string, std::shared_ptr<const ClusterConnection>> by_uid_;  // guarded by mu_
  std::map<std::string, std::string> uid_by_name_;                          // guarded by mu_
};

// Hex SHA-256 of the settings that decide a connection (kubeconfig bytes,
// context, limits). Safe to log: it reveals nothing about the bytes.
std::string ConnectionFingerprint(const ConnectionSettings& settings);

}  // namespace drs::controller
