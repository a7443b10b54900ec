#pragma once
// Kubeconfig loading: the YAML file kubectl uses (clusters, users, contexts,
// current-context) to a RestConfig for one context. RemoteCluster objects
// hand us kubeconfigs from Secrets; the CLI reads them from files.
//
// Supported: server, CA (file or data), insecure-skip-tls-verify,
// tls-server-name, proxy-url; client certificates, tokens, token files and
// exec plugins (client.authentication.k8s.io v1 and v1beta1). Refused, with
// an error naming the field: auth-provider and basic auth (both removed
// upstream) and impersonation. Errors never contain secret values.
//
// Thread-safety: pure functions (LoadKubeconfigFile reads files).

#include <string>
#include <string_view>

#include "base/result.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient {

struct KubeconfigOptions {
  // The context to use; empty = the kubeconfig's current-context.
  std::string context;
  // Relative paths in the kubeconfig resolve against this directory (the
  // file's own directory, as kubectl does); empty = the process's cwd.
  std::string base_dir;
  // Where the YAML came from, for errors and RestConfig::source
  // ("/home/me/.kube/config", "secret drs/prod-east").
  std::string source;
};

Result<RestConfig> ParseKubeconfig(std::string_view yaml, const KubeconfigOptions& options);

// Reads `path` and parses it with base_dir = the file's directory and
// source = path. An empty `context` means the current-context.
Result<RestConfig> LoadKubeconfigFile(const std::string& path, const std::string& context);

}  // namespace drs::kubeclient
