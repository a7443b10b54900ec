#pragma once
// InClusterConfig: the RestConfig of a pod's own API server, from the
// service environment variables and the mounted service account — what the
// controller and agents use when no kubeconfig is given. The environment is
// injected so tests need neither a cluster nor /var/run.
//
// The token is referenced by path (bearer_token_file), not copied: kubelet
// rotates projected service account tokens, and TokenFileSource
// (token_file_source.h) re-reads the file.
//
// Thread-safety: InClusterConfig is a pure function of its environment.

#include <functional>
#include <optional>
#include <string>

#include "base/result.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient {

inline constexpr const char* kServiceAccountDir = "/var/run/secrets/kubernetes.io/serviceaccount";

struct InClusterEnvironment {
  // Reads an environment variable; nullopt when unset.
  std::function<std::optional<std::string>(const std::string& name)> getenv;
  // Holds token, ca.crt and namespace.
  std::string service_account_dir = kServiceAccountDir;

  // The process environment and the real mount point.
  static InClusterEnvironment Real();
};

// FailedPrecondition when not in a pod (service variables unset); errors
// naming the file when the token or CA cannot be read. The namespace comes
// from POD_NAMESPACE, else the service account's namespace file, else
// "default" (client-go's order).
Result<RestConfig> InClusterConfig(const InClusterEnvironment& env);

}  // namespace drs::kubeclient
