#include "kubeclient/exec_credential_json.h"

#include <nlohmann/json.hpp>

#include "base/base64.h"
#include "base/rfc3339.h"

namespace drs::kubeclient::internal {
namespace {

using nlohmann::json;

constexpr const char* kKind = "ExecCredential";

// A string member of `object`; "" when absent. Invalid when not a string.
Result<std::string> StringMember(const json& object, const char* key, const std::string& where) {
  const auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::string();
  if (!it->is_string()) return InvalidError(where + "." + key + " must be a string");
  return it->get<std::string>();
}

Result<ExecCredential> FromStatus(const json& status) {
  ExecCredential out;
  DRS_ASSIGN_OR_RETURN(std::string token, StringMember(status, "token", "status"));
  DRS_ASSIGN_OR_RETURN(out.client_cert_pem,
                       StringMember(status, "clientCertificateData", "status"));
  DRS_ASSIGN_OR_RETURN(std::string key, StringMember(status, "clientKeyData", "status"));
  out.token = SecretBytes(std::move(token));
  out.client_key_pem = SecretBytes(std::move(key));
  if (out.client_cert_pem.empty() != out.client_key_pem.empty()) {
    return InvalidError("status has only one of clientCertificateData and clientKeyData");
  }
  if (out.token.empty() && out.client_cert_pem.empty()) {
    return InvalidError("status has neither a token nor clientCertificateData and clientKeyData");
  }
  DRS_ASSIGN_OR_RETURN(const std::string expiry,
                       StringMember(status, "expirationTimestamp", "status"));
  if (!expiry.empty()) {
    auto parsed = ParseRfc3339(expiry);
    if (!parsed.ok()) {
      return InvalidError("status.expirationTimestamp: " + parsed.error().message());
    }
    out.expiration = *parsed;
  }
  return out;
}

}  // namespace

std::string BuildExecRequest(std::string_view api_version, const ExecClusterInfo* cluster) {
  json spec = {{"interactive", false}};
  if (cluster != nullptr) {
    // Field names and omitempty rules of client-go's ExecCredential Cluster.
    json info = {{"server", cluster->server}};
    if (!cluster->tls_server_name.empty()) info["tls-server-name"] = cluster->tls_server_name;
    if (cluster->insecure_skip_tls_verify) info["insecure-skip-tls-verify"] = true;
    if (!cluster->ca_pem.empty()) {
      info["certificate-authority-data"] = Base64Encode(cluster->ca_pem);
    }
    if (!cluster->proxy_url.empty()) info["proxy-url"] = cluster->proxy_url;
    spec["cluster"] = std::move(info);
  }
  const json request = {{"apiVersion", api_version}, {"kind", kKind}, {"spec", std::move(spec)}};
  return request.dump();
}

Result<ExecCredential> ParseExecResponse(std::string_view output, std::string_view api_version) {
  try {
    // No exceptions from parse: its messages quote the input, which may be a token.
    const json doc = json::parse(output, nullptr, /*allow_exceptions=*/false);
    if (doc.is_discarded()) return InvalidError("the output is not valid JSON");
    if (!doc.is_object()) return InvalidError("the output is not a JSON object");
    DRS_ASSIGN_OR_RETURN(const std::string kind, StringMember(doc, "kind", "ExecCredential"));
    if (kind != kKind) return InvalidError("the output's kind is not ExecCredential");
    DRS_ASSIGN_OR_RETURN(const std::string version,
                         StringMember(doc, "apiVersion", "ExecCredential"));
    if (version != api_version) {
      return InvalidError("the output's apiVersion \"" + version +
                          "\" does not match the kubeconfig's \"" + std::string(api_version) +
                          "\"");
    }
    const auto status = doc.find("status");
    if (status == doc.end() || !status->is_object()) {
      return InvalidError("the output has no status object");
    }
    return FromStatus(*status);
  } catch (const json::exception& e) {
    // Type errors name types, not values.
    return InvalidError(std::string("the output is not a valid ExecCredential: ") + e.what());
  }
}

}  // namespace drs::kubeclient::internal
