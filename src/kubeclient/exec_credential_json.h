#pragma once
// The JSON side of exec plugins: the ExecCredential request we pass in
// KUBERNETES_EXEC_INFO and the ExecCredential response a plugin prints.
// Used by exec_credential.cc.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "base/result.h"
#include "kubeclient/exec_credential.h"

namespace drs::kubeclient::internal {

// {"apiVersion": ..., "kind": "ExecCredential", "spec": {"interactive": false,
//  "cluster": {...}}}; the cluster only when `cluster` is non-null.
std::string BuildExecRequest(std::string_view api_version, const ExecClusterInfo* cluster);

// Validates the plugin's stdout: kind ExecCredential, the same apiVersion as
// requested, a token or a client certificate and key pair, an optional
// RFC 3339 expirationTimestamp. Invalid errors never quote the output.
Result<ExecCredential> ParseExecResponse(std::string_view output, std::string_view api_version);

}  // namespace drs::kubeclient::internal
