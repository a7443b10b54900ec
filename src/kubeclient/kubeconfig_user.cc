#include "kubeclient/kubeconfig_user.h"

#include <algorithm>
#include <array>
#include <string_view>

#include "kubeclient/kubeconfig_yaml.h"

namespace drs::kubeclient::internal {
namespace {

constexpr std::string_view kExecV1 = "client.authentication.k8s.io/v1";
constexpr std::string_view kExecV1Beta1 = "client.authentication.k8s.io/v1beta1";
constexpr std::array<std::string_view, 3> kInteractiveModes = {"Never", "IfAvailable", "Always"};
// Impersonation fields: honouring them silently would be wrong, ignoring
// them would act with more privilege than the kubeconfig asks for.
constexpr std::array<std::string_view, 4> kImpersonationFields = {"as", "as-uid", "as-groups",
                                                                  "as-user-extra"};

// Reads `key` (a file path) or `key-data` (base64), refusing both at once.
// Returns "" when neither is set.
Result<std::string> FileOrData(const YAML::Node& user, const std::string& key,
                               const std::string& prefix, const std::string& base_dir) {
  DRS_ASSIGN_OR_RETURN(const std::string file, StringField(user, key, prefix));
  DRS_ASSIGN_OR_RETURN(const std::string data, StringField(user, key + "-data", prefix));
  if (!file.empty() && !data.empty()) {
    return InvalidError(FieldName(prefix, key) + " and " + FieldName(prefix, key + "-data") +
                        " are both set; keep one");
  }
  if (!data.empty()) return DecodeBase64Field(data, FieldName(prefix, key + "-data"));
  if (!file.empty()) return ReadFieldFile(ResolvePath(base_dir, file), FieldName(prefix, key));
  return std::string();
}

Status RefuseRemovedAuth(const YAML::Node& user, const std::string& prefix) {
  if (HasField(user, "auth-provider")) {
    return InvalidError(FieldName(prefix, "auth-provider") +
                        " is not supported: Kubernetes removed the built-in auth providers "
                        "(gcp, azure, oidc); use an exec credential plugin such as "
                        "gke-gcloud-auth-plugin or kubelogin");
  }
  if (HasField(user, "username") || HasField(user, "password")) {
    return InvalidError(FieldName(prefix, "username") +
                        "/password: basic authentication is not supported (removed in "
                        "Kubernetes 1.19); use a token, a client certificate or an exec plugin");
  }
  for (std::string_view field : kImpersonationFields) {
    if (HasField(user, field)) {
      return InvalidError(FieldName(prefix, field) + ": impersonation is not supported");
    }
  }
  return OkStatus();
}

Status ParseClientCertificate(const YAML::Node& user, const std::string& prefix,
                              const std::string& base_dir, RestConfig& config) {
  DRS_ASSIGN_OR_RETURN(std::string cert, FileOrData(user, "client-certificate", prefix, base_dir));
  DRS_ASSIGN_OR_RETURN(std::string key, FileOrData(user, "client-key", prefix, base_dir));
  SecretBytes key_bytes(std::move(key));
  if (cert.empty() != key_bytes.empty()) {
    return InvalidError(prefix + (cert.empty() ? " has a client-key but no client-certificate"
                                               : " has a client-certificate but no client-key"));
  }
  if (cert.empty()) return OkStatus();
  DRS_RETURN_IF_ERROR(RequirePem(cert, FieldName(prefix, "client-certificate")));
  DRS_RETURN_IF_ERROR(RequirePem(key_bytes.reveal(), FieldName(prefix, "client-key")));
  config.client_cert_pem = std::move(cert);
  config.client_key_pem = std::move(key_bytes);
  return OkStatus();
}

Status ParseToken(const YAML::Node& user, const std::string& prefix, const std::string& base_dir,
                  RestConfig& config) {
  DRS_ASSIGN_OR_RETURN(std::string token, StringField(user, "token", prefix));
  config.bearer_token = SecretBytes(std::move(token));
  DRS_ASSIGN_OR_RETURN(const std::string token_file, StringField(user, "tokenFile", prefix));
  if (token_file.empty()) return OkStatus();
  // Read once now so a wrong path fails at load time; the transport re-reads
  // the file later because such tokens rotate.
  config.bearer_token_file = ResolvePath(base_dir, token_file);
  auto contents = ReadFieldFile(config.bearer_token_file, FieldName(prefix, "tokenFile"));
  if (!contents.ok()) return std::move(contents).error();
  SecretBytes wipe_after_check(std::move(contents).value());
  return OkStatus();
}

Result<std::vector<std::string>> ParseArgs(const YAML::Node& exec, const std::string& prefix) {
  std::vector<std::string> args;
  const YAML::Node list = exec["args"];
  if (!list || list.IsNull()) return args;
  if (!list.IsSequence()) return InvalidError(FieldName(prefix, "args") + " must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    if (!list[i].IsScalar()) {
      return InvalidError(FieldName(prefix, "args") + "[" + std::to_string(i) +
                          "] must be a string");
    }
    args.push_back(list[i].Scalar());
  }
  return args;
}

Result<std::vector<std::pair<std::string, std::string>>> ParseEnv(const YAML::Node& exec,
                                                                  const std::string& prefix) {
  std::vector<std::pair<std::string, std::string>> env;
  const YAML::Node list = exec["env"];
  if (!list || list.IsNull()) return env;
  if (!list.IsSequence()) return InvalidError(FieldName(prefix, "env") + " must be a list");
  for (std::size_t i = 0; i < list.size(); ++i) {
    const std::string where = FieldName(prefix, "env") + "[" + std::to_string(i) + "]";
    if (!list[i].IsMap()) return InvalidError(where + " must be a map of name and value");
    DRS_ASSIGN_OR_RETURN(std::string name, RequiredStringField(list[i], "name", where));
    if (!HasField(list[i], "value")) return InvalidError(FieldName(where, "value") + " is missing");
    DRS_ASSIGN_OR_RETURN(std::string value, StringField(list[i], "value", where));
    env.emplace_back(std::move(name), std::move(value));
  }
  return env;
}

}  // namespace

Result<ExecConfig> ParseExecConfig(const YAML::Node& exec, const std::string& prefix,
                                   const std::string& base_dir) {
  if (!exec.IsMap()) return InvalidError(prefix + " must be a map");
  ExecConfig out;
  DRS_ASSIGN_OR_RETURN(out.api_version, RequiredStringField(exec, "apiVersion", prefix));
  if (out.api_version != kExecV1 && out.api_version != kExecV1Beta1) {
    return InvalidError(FieldName(prefix, "apiVersion") + " \"" + out.api_version +
                        "\" is not supported; use " + std::string(kExecV1) + " or " +
                        std::string(kExecV1Beta1));
  }
  DRS_ASSIGN_OR_RETURN(std::string command, RequiredStringField(exec, "command", prefix));
  // client-go: a command with a path separator is relative to the kubeconfig;
  // a bare name is looked up on PATH.
  out.command = command.find('/') == std::string::npos ? command : ResolvePath(base_dir, command);
  DRS_ASSIGN_OR_RETURN(out.args, ParseArgs(exec, prefix));
  DRS_ASSIGN_OR_RETURN(out.env, ParseEnv(exec, prefix));
  DRS_ASSIGN_OR_RETURN(out.install_hint, StringField(exec, "installHint", prefix));
  DRS_ASSIGN_OR_RETURN(out.provide_cluster_info, BoolField(exec, "provideClusterInfo", prefix));
  DRS_ASSIGN_OR_RETURN(std::string mode, StringField(exec, "interactiveMode", prefix));
  if (!mode.empty()) {
    if (std::find(kInteractiveModes.begin(), kInteractiveModes.end(), mode) ==
        kInteractiveModes.end()) {
      return InvalidError(FieldName(prefix, "interactiveMode") + " \"" + mode +
                          "\" is not one of Never, IfAvailable, Always");
    }
    out.interactive_mode = std::move(mode);
  }
  return out;
}

Status ParseUser(const YAML::Node& user, const std::string& name, const std::string& base_dir,
                 RestConfig& config) {
  const std::string prefix = "users[" + name + "]";
  DRS_RETURN_IF_ERROR(RefuseRemovedAuth(user, prefix));
  DRS_RETURN_IF_ERROR(ParseClientCertificate(user, prefix, base_dir, config));
  DRS_RETURN_IF_ERROR(ParseToken(user, prefix, base_dir, config));
  DRS_ASSIGN_OR_RETURN(YAML::Node exec, MapField(user, "exec", prefix));
  if (exec.IsDefined()) {
    DRS_ASSIGN_OR_RETURN(config.exec, ParseExecConfig(exec, FieldName(prefix, "exec"), base_dir));
  }
  return OkStatus();
}

}  // namespace drs::kubeclient::internal
