#include "controller/remotecluster/cluster_connection.h"

#include <openssl/evp.h>

#include "kubeclient/kubeconfig.h"

namespace drs::controller {

std::string ConnectionFingerprint(const ConnectionSettings& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  EVP_DigestInit_ex(ctx, EVP_sha256(), nullptr);
  const auto add = [&](std::string_view part) {
    EVP_DigestUpdate(ctx, part.data(), part.size());
    EVP_DigestUpdate(ctx, "\0", 1);  // separator: ("ab","c") != ("a","bc")
  };
  add(s.uid);
  add(s.kubeconfig.reveal());
  add(s.context);
  add(std::to_string(s.qps));
  add(std::to_string(s.burst));
  EVP_DigestFinal_ex(ctx, digest, &len);
  EVP_MD_CTX_free(ctx);
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += kHex[digest[i] >> 4];
    out += kHex[digest[i] & 0x0F];
  }
  return out;
}

Result<std::shared_ptr<const ClusterConnection>> ClusterConnection::Build(
    const ConnectionSettings& settings, Clock& clock, runtime::Registry* registry) {
  auto config = kubeclient::ParseKubeconfig(
      settings.kubeconfig.reveal(),
      {.context = settings.context,
       .source = "the kubeconfig of RemoteCluster " + settings.display_name});
  if (!config.ok()) return std::move(config).error();
  config->qps = settings.qps;
  config->burst = settings.burst;
  config->user_agent = "dr-syncer (RemoteCluster " + settings.display_name + ")";
  std::shared_ptr<ClusterConnection> c(new ClusterConnection());
  c->server_ = config->server;
  c->fingerprint_ = ConnectionFingerprint(settings);
  auto rest = kubeclient::RestClient::Create(std::move(config).value(), clock);
  if (!rest.ok()) return std::move(rest).error();
  c->rest_ = std::move(rest).value();
  if (registry != nullptr) {
    c->metrics_ = std::make_unique<runtime::RestClientMetrics>(*registry, settings.display_name);
    c->rest_->SetObserver(c->metrics_.get());
  }
  c->discovery_ = std::make_unique<kubeclient::Discovery>(*c->rest_, clock);
  c->dynamic_ = std::make_unique<kubeclient::DynamicClient>(*c->rest_);
  return std::shared_ptr<const ClusterConnection>(std::move(c));
}

Result<std::shared_ptr<const ClusterConnection>> ClusterConnections::Ensure(
    const ConnectionSettings& settings) {
  const std::string fingerprint = ConnectionFingerprint(settings);
  {
    std::lock_guard lock(mu_);
    auto it = by_uid_.find(settings.uid);
    if (it != by_uid_.end() && it->second->fingerprint() == fingerprint) return it->second;
  }
  // Built outside the lock: parsing and client set-up must not block others.
  DRS_ASSIGN_OR_RETURN(auto built, ClusterConnection::Build(settings, clock_, registry_));
  std::lock_guard lock(mu_);
  by_uid_[settings.uid] = built;
  uid_by_name_[settings.display_name] = settings.uid;
  return built;
}

std::shared_ptr<const ClusterConnection> ClusterConnections::Get(
    const std::string& display_name) const {
  std::lock_guard lock(mu_);
  auto name = uid_by_name_.find(display_name);
  if (name == uid_by_name_.end()) return nullptr;
  auto it = by_uid_.find(name->second);
  return it == by_uid_.end() ? nullptr : it->second;
}

void ClusterConnections::Remove(const std::string& uid) {
  std::lock_guard lock(mu_);
  by_uid_.erase(uid);
  for (auto it = uid_by_name_.begin(); it != uid_by_name_.end();) {
    it = it->second == uid ? uid_by_name_.erase(it) : std::next(it);
  }
}

std::size_t ClusterConnections::size() const {
  std::lock_guard lock(mu_);
  return by_uid_.size();
}

}  // namespace drs::controller
