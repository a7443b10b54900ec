#pragma once
// RestConfig: everything needed to talk to one API server — where it is, how
// to trust it, and who we are. Built from a kubeconfig (kubeconfig.h), from
// the in-cluster environment (in_cluster.h), or by hand in tests.
//
// Thread-safety: a value type. Holds credentials in SecretBytes so a config
// can be logged field by field without leaking them.

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "base/secret_bytes.h"

namespace drs::kubeclient {

// An exec credential plugin (client.authentication.k8s.io/v1), as EKS, GKE
// and AKS kubeconfigs use: run `command args...` with `env`, read an
// ExecCredential JSON from its stdout.
struct ExecConfig {
  std::string api_version = "client.authentication.k8s.io/v1";
  std::string command;
  std::vector<std::string> args;
  std::vector<std::pair<std::string, std::string>> env;
  std::string install_hint;
  bool provide_cluster_info = false;
  std::string interactive_mode = "IfAvailable";  // we never have a terminal: treated as Never
};

struct RestConfig {
  // https://host:port, possibly with a path prefix. No trailing slash.
  std::string server;
  // PEM of the CA bundle to verify the server; empty = the system trust store.
  std::string ca_pem;
  // Present only when the kubeconfig says so; logged as a warning when used.
  bool insecure_skip_tls_verify = false;
  std::string tls_server_name;  // overrides the name checked in the certificate
  std::string proxy_url;        // http(s):// or socks5:// proxy for this cluster

  // Client certificate authentication (PEM).
  std::string client_cert_pem;
  SecretBytes client_key_pem;

  // Bearer token, either literal or re-read from a file (rotating tokens).
  SecretBytes bearer_token;
  std::string bearer_token_file;

  // Basic auth is deliberately unsupported: Kubernetes removed it in 1.19.

  std::optional<ExecConfig> exec;

  // Client-side rate limit (client-go's defaults are 5/10; a DR controller
  // lists whole namespaces, so ours are higher).
  double qps = 50;
  int burst = 100;
  std::chrono::milliseconds connect_timeout{10'000};
  // Per-request timeout for non-watch requests; 0 = none.
  std::chrono::milliseconds request_timeout{60'000};
  std::string user_agent = "dr-syncer";

  // Where the config came from, for error messages ("kubeconfig secret
  // drs/prod-east, context prod").
  std::string source;
  std::string context_name;
  // The context's namespace, if it names one ("" otherwise).
  std::string default_namespace;
};

}  // namespace drs::kubeclient
