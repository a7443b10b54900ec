#pragma once
// The `user` half of a kubeconfig context: client certificates, bearer
// tokens and exec plugins into a RestConfig; the auth methods upstream
// removed (auth-provider, basic auth) and impersonation are refused by name.
// Used by kubeconfig.cc.
//
// Thread-safety: pure functions.

#include <string>

#include <yaml-cpp/yaml.h>

#include "base/result.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient::internal {

// Fills the credential fields of `config` from users[name].user.
// Relative file paths resolve against base_dir.
Status ParseUser(const YAML::Node& user, const std::string& name, const std::string& base_dir,
                 RestConfig& config);

// users[name].exec -> ExecConfig. `prefix` is the field name of the exec map.
Result<ExecConfig> ParseExecConfig(const YAML::Node& exec, const std::string& prefix,
                                   const std::string& base_dir);

}  // namespace drs::kubeclient::internal
