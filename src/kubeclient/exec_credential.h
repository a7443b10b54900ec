#pragma once
// ExecCredentialProvider: credentials from a kubeconfig exec plugin
// (client.authentication.k8s.io v1/v1beta1), as EKS, GKE and AKS use. It runs
// the plugin without a shell, hands it KUBERNETES_EXEC_INFO (never
// interactive: a controller has no terminal), validates the ExecCredential it
// prints, and caches the result until shortly before it expires — or, without
// an expiry, until Invalidate() (which the client calls after a 401).
//
// Tokens and keys never appear in errors or logs.
//
// Owned by the client of one cluster. Thread-safety: thread-safe; concurrent
// Get() calls share a single plugin run.

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <stop_token>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient {

// A credential is refreshed this long before it expires, so a request never
// reaches the server with a token that expires in flight.
inline constexpr std::chrono::seconds kExecCredentialExpirySkew{10};
// The longest a plugin may run; far above a normal token fetch (~1 s).
inline constexpr std::chrono::seconds kExecPluginTimeout{60};

struct ExecCredential {
  SecretBytes token;
  std::string client_cert_pem;
  SecretBytes client_key_pem;
  std::optional<Clock::WallTime> expiration;  // nullopt: valid until rejected

  ExecCredential Copy() const;
};

// What a plugin with provideClusterInfo learns about the cluster.
struct ExecClusterInfo {
  std::string server;
  std::string ca_pem;
  std::string tls_server_name;
  bool insecure_skip_tls_verify = false;
  std::string proxy_url;

  static ExecClusterInfo FromRestConfig(const RestConfig& config);
};

class ExecCredentialProvider {
 public:
  // REQUIRES: `clock` outlives this object.
  ExecCredentialProvider(ExecConfig config, Clock& clock, ExecClusterInfo cluster);
  ExecCredentialProvider(const ExecCredentialProvider&) = delete;
  ExecCredentialProvider& operator=(const ExecCredentialProvider&) = delete;

  // The cached credential while it is fresh, else a new one from the plugin.
  // A plugin that cannot run, fails, times out or prints a bad credential is
  // Unauthenticated (with its exit code, the start of its stderr and the
  // kubeconfig's installHint); a stop request is Cancelled.
  Result<ExecCredential> Get(std::stop_token stop);

  // Forgets the cached credential; the next Get() runs the plugin.
  void Invalidate();

 private:
  Result<ExecCredential> RunPlugin(std::stop_token stop) const;
  Error PluginError(std::string what) const;
  bool FreshLocked() const;

  const ExecConfig config_;
  Clock& clock_;
  const ExecClusterInfo cluster_;

  std::mutex mu_;
  std::condition_variable_any cv_;
  std::optional<ExecCredential> cached_;  // guarded by mu_
  bool running_ = false;                  // guarded by mu_; a Get() is running the plugin
  std::uint64_t runs_finished_ = 0;       // guarded by mu_
  std::optional<Error> last_error_;       // guarded by mu_; of the latest run, if it failed
};

}  // namespace drs::kubeclient
