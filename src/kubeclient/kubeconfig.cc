#include "kubeclient/kubeconfig.h"

#include <array>
#include <filesystem>
#include <map>
#include <span>

#include <yaml-cpp/yaml.h>

#include "base/file_util.h"
#include "kubeclient/kubeconfig_user.h"
#include "kubeclient/kubeconfig_yaml.h"

namespace drs::kubeclient {
namespace {

using internal::BoolField;
using internal::DecodeBase64Field;
using internal::FieldName;
using internal::ReadFieldFile;
using internal::RequiredStringField;
using internal::ResolvePath;
using internal::StringField;

constexpr std::array<std::string_view, 2> kServerSchemes = {"https://", "http://"};
constexpr std::array<std::string_view, 3> kProxySchemes = {"http://", "https://", "socks5://"};

bool HasSchemeAndHost(std::string_view url, std::span<const std::string_view> schemes) {
  for (std::string_view scheme : schemes) {
    if (url.starts_with(scheme) && url.size() > scheme.size()) return true;
  }
  return false;
}

Status ParseServer(const YAML::Node& cluster, const std::string& prefix, RestConfig& config) {
  DRS_ASSIGN_OR_RETURN(std::string server, RequiredStringField(cluster, "server", prefix));
  while (server.size() > 1 && server.back() == '/') server.pop_back();
  if (!HasSchemeAndHost(server, kServerSchemes)) {
    return InvalidError(FieldName(prefix, "server") + " \"" + server +
                        "\" must be an https:// or http:// URL");
  }
  config.server = std::move(server);
  DRS_ASSIGN_OR_RETURN(config.tls_server_name, StringField(cluster, "tls-server-name", prefix));
  DRS_ASSIGN_OR_RETURN(config.proxy_url, StringField(cluster, "proxy-url", prefix));
  if (!config.proxy_url.empty() && !HasSchemeAndHost(config.proxy_url, kProxySchemes)) {
    return InvalidError(FieldName(prefix, "proxy-url") +
                        " must be an http://, https:// or socks5:// URL");
  }
  return OkStatus();
}

Status ParseCertificateAuthority(const YAML::Node& cluster, const std::string& prefix,
                                 const std::string& base_dir, RestConfig& config) {
  DRS_ASSIGN_OR_RETURN(const std::string file,
                       StringField(cluster, "certificate-authority", prefix));
  DRS_ASSIGN_OR_RETURN(const std::string data,
                       StringField(cluster, "certificate-authority-data", prefix));
  DRS_ASSIGN_OR_RETURN(config.insecure_skip_tls_verify,
                       BoolField(cluster, "insecure-skip-tls-verify", prefix));
  const std::string file_field = FieldName(prefix, "certificate-authority");
  const std::string data_field = FieldName(prefix, "certificate-authority-data");
  if (!file.empty() && !data.empty()) {
    return InvalidError(file_field + " and " + data_field + " are both set; keep one");
  }
  if (!data.empty()) {
    DRS_ASSIGN_OR_RETURN(config.ca_pem, DecodeBase64Field(data, data_field));
    DRS_RETURN_IF_ERROR(internal::RequirePem(config.ca_pem, data_field));
  } else if (!file.empty()) {
    DRS_ASSIGN_OR_RETURN(config.ca_pem, ReadFieldFile(ResolvePath(base_dir, file), file_field));
    DRS_RETURN_IF_ERROR(internal::RequirePem(config.ca_pem, file_field));
  }
  // As client-go: trusting a CA and skipping verification contradict.
  if (config.insecure_skip_tls_verify && !config.ca_pem.empty()) {
    return InvalidError(FieldName(prefix, "insecure-skip-tls-verify") +
                        " cannot be combined with a certificate authority");
  }
  return OkStatus();
}

// The context to use and its name, from the override or current-context.
Result<std::pair<std::string, YAML::Node>> SelectContext(
    const YAML::Node& root, const std::map<std::string, YAML::Node>& contexts,
    const KubeconfigOptions& options) {
  std::string name = options.context;
  std::string chosen_by = "requested context";
  if (name.empty()) {
    DRS_ASSIGN_OR_RETURN(name, StringField(root, "current-context", ""));
    chosen_by = "current-context";
    if (name.empty()) {
      return InvalidError("current-context is missing and no context was requested");
    }
  }
  const auto it = contexts.find(name);
  if (it == contexts.end()) {
    return InvalidError(chosen_by + " \"" + name + "\" is not in contexts");
  }
  return std::make_pair(name, it->second);
}

Result<RestConfig> ParseDocument(const YAML::Node& root, const KubeconfigOptions& options) {
  if (!root.IsMap()) return InvalidError("a kubeconfig must be a YAML map");
  DRS_ASSIGN_OR_RETURN(auto clusters, internal::NamedEntries(root, "clusters", "cluster"));
  DRS_ASSIGN_OR_RETURN(auto users, internal::NamedEntries(root, "users", "user"));
  DRS_ASSIGN_OR_RETURN(auto contexts, internal::NamedEntries(root, "contexts", "context"));
  DRS_ASSIGN_OR_RETURN(auto selected, SelectContext(root, contexts, options));
  const auto& [context_name, context] = selected;
  const std::string prefix = "contexts[" + context_name + "]";

  RestConfig config;
  config.source = options.source;
  config.context_name = context_name;
  DRS_ASSIGN_OR_RETURN(config.default_namespace, StringField(context, "namespace", prefix));
  DRS_ASSIGN_OR_RETURN(const std::string cluster_name,
                       RequiredStringField(context, "cluster", prefix));
  const auto cluster = clusters.find(cluster_name);
  if (cluster == clusters.end()) {
    return InvalidError(FieldName(prefix, "cluster") + " names cluster \"" + cluster_name +
                        "\", which is not in clusters");
  }
  const std::string cluster_prefix = "clusters[" + cluster_name + "]";
  DRS_RETURN_IF_ERROR(ParseServer(cluster->second, cluster_prefix, config));
  DRS_RETURN_IF_ERROR(
      ParseCertificateAuthority(cluster->second, cluster_prefix, options.base_dir, config));

  // A context without a user is anonymous access, as in kubectl.
  DRS_ASSIGN_OR_RETURN(const std::string user_name, StringField(context, "user", prefix));
  if (!user_name.empty()) {
    const auto user = users.find(user_name);
    if (user == users.end()) {
      return InvalidError(FieldName(prefix, "user") + " names user \"" + user_name +
                          "\", which is not in users");
    }
    DRS_RETURN_IF_ERROR(internal::ParseUser(user->second, user_name, options.base_dir, config));
  }
  return config;
}

}  // namespace

Result<RestConfig> ParseKubeconfig(std::string_view yaml, const KubeconfigOptions& options) {
  Result<RestConfig> result = InternalError("unreachable");
  try {
    result = ParseDocument(YAML::Load(std::string(yaml)), options);
  } catch (const YAML::Exception& e) {
    // yaml-cpp messages give a position and a reason, never the document.
    result = InvalidError(std::string("not valid YAML: ") + e.what());
  }
  if (!result.ok() && !options.source.empty()) {
    result.error().WithContext("loading kubeconfig " + options.source);
  }
  return result;
}

Result<RestConfig> LoadKubeconfigFile(const std::string& path, const std::string& context) {
  auto yaml = ReadFileToString(path);
  if (!yaml.ok()) return std::move(yaml).error().WithContext("loading kubeconfig " + path);
  // Wipe the text afterwards: it may hold keys and tokens.
  const SecretBytes text(std::move(yaml).value());
  std::error_code ec;
  const auto absolute = std::filesystem::absolute(path, ec);
  const KubeconfigOptions options{.context = context,
                                  .base_dir = ec ? std::string() : absolute.parent_path().string(),
                                  .source = path};
  return ParseKubeconfig(text.reveal(), options);
}

}  // namespace drs::kubeclient
