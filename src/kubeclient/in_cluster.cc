#include "kubeclient/in_cluster.h"

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "base/file_util.h"

namespace drs::kubeclient {
namespace {

constexpr const char* kHostVar = "KUBERNETES_SERVICE_HOST";
constexpr const char* kPortVar = "KUBERNETES_SERVICE_PORT";
constexpr const char* kNamespaceVar = "POD_NAMESPACE";
constexpr const char* kDefaultNamespace = "default";
constexpr int kMaxPort = 65535;
constexpr std::string_view kWhitespace = " \t\r\n";

std::string_view Trim(std::string_view s) {
  const auto first = s.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kWhitespace) - first + 1);
}

std::string Env(const InClusterEnvironment& env, const char* name) {
  if (!env.getenv) return {};
  return env.getenv(name).value_or("");
}

Result<std::string> ServerUrl(const std::string& host, const std::string& port) {
  int port_number = 0;
  const auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (ec != std::errc() || end != port.data() + port.size() || port_number < 1 ||
      port_number > kMaxPort) {
    return InvalidError(std::string(kPortVar) + " \"" + port + "\" is not a port number");
  }
  // An IPv6 literal needs brackets in a URL ("[fd00::1]:443").
  const bool bare_ipv6 = host.find(':') != std::string::npos && host.front() != '[';
  return "https://" + (bare_ipv6 ? "[" + host + "]" : host) + ":" + port;
}

// Reads a service account file, which must not be empty.
Result<std::string> ReadAccountFile(const std::string& path) {
  DRS_ASSIGN_OR_RETURN(std::string contents, ReadFileToString(path));
  if (Trim(contents).empty()) return InvalidError("\"" + path + "\" is empty");
  return contents;
}

}  // namespace

InClusterEnvironment InClusterEnvironment::Real() {
  return {.getenv = [](const std::string& name) -> std::optional<std::string> {
            // Safe while nothing calls setenv, which dr-syncer never does.
            const char* value = std::getenv(name.c_str());  // NOLINT(concurrency-mt-unsafe)
            if (value == nullptr) return std::nullopt;
            return std::string(value);
          },
          .service_account_dir = kServiceAccountDir};
}

Result<RestConfig> InClusterConfig(const InClusterEnvironment& env) {
  const std::string host = Env(env, kHostVar);
  const std::string port = Env(env, kPortVar);
  if (host.empty() || port.empty()) {
    return FailedPreconditionError(std::string("not running in a Kubernetes pod: ") + kHostVar +
                                   " and " + kPortVar + " must both be set");
  }
  RestConfig config;
  DRS_ASSIGN_OR_RETURN(config.server, ServerUrl(host, port));
  const std::string& dir = env.service_account_dir;
  config.source = "in-cluster service account " + dir;

  // Read the token once only to fail early; requests re-read the file.
  config.bearer_token_file = dir + "/token";
  auto token = ReadAccountFile(config.bearer_token_file);
  if (!token.ok()) return std::move(token).error().WithContext("loading the in-cluster config");
  SecretBytes wipe_after_check(std::move(token).value());

  auto ca = ReadAccountFile(dir + "/ca.crt");
  if (!ca.ok()) return std::move(ca).error().WithContext("loading the in-cluster config");
  config.ca_pem = std::move(ca).value();

  config.default_namespace = Env(env, kNamespaceVar);
  if (config.default_namespace.empty()) {
    auto ns = ReadFileToString(dir + "/namespace");
    if (ns.ok()) config.default_namespace = std::string(Trim(*ns));
  }
  if (config.default_namespace.empty()) config.default_namespace = kDefaultNamespace;
  return config;
}

}  // namespace drs::kubeclient
