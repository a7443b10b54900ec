#include "kubeclient/credentials.h"

#include <mutex>

#include "kubeclient/exec_credential.h"
#include "kubeclient/token_file_source.h"
#include "kubeclient/transport.h"

namespace drs::kubeclient {
namespace {

class StaticToken final : public CredentialSource {
 public:
  explicit StaticToken(SecretBytes token) : token_(std::move(token)) {}
  Result<std::optional<SecretBytes>> Token(std::stop_token) override {
    return std::optional<SecretBytes>(token_.Copy());
  }

 private:
  const SecretBytes token_;
};

// Service-account tokens are projected into a file and rotated by the
// kubelet; re-reading it picks up the new token.
class FileToken final : public CredentialSource {
 public:
  FileToken(std::string path, Clock& clock) : source_(std::move(path), clock) {}
  Result<std::optional<SecretBytes>> Token(std::stop_token) override {
    DRS_ASSIGN_OR_RETURN(auto token, source_.Token());
    return std::optional<SecretBytes>(std::move(token));
  }

 private:
  TokenFileSource source_;
};

class ExecToken final : public CredentialSource {
 public:
  ExecToken(const RestConfig& config, Clock& clock, Transport& transport)
      : provider_(*config.exec, clock, ExecClusterInfo::FromRestConfig(config)),
        transport_(transport) {}

  Result<std::optional<SecretBytes>> Token(std::stop_token stop) override {
    DRS_ASSIGN_OR_RETURN(auto credential, provider_.Get(std::move(stop)));
    if (!credential.client_cert_pem.empty()) {
      // Install a new certificate only when it changed: libcurl then opens a
      // connection with it, and keeps reusing the old ones otherwise.
      std::lock_guard lock(mu_);
      if (credential.client_cert_pem != installed_cert_) {
        installed_cert_ = credential.client_cert_pem;
        transport_.SetClientCertificate(credential.client_cert_pem,
                                        credential.client_key_pem.Copy());
      }
    }
    if (credential.token.empty()) return std::optional<SecretBytes>();
    return std::optional<SecretBytes>(std::move(credential.token));
  }

  bool OnUnauthorized() override {
    provider_.Invalidate();
    return true;
  }

 private:
  ExecCredentialProvider provider_;
  Transport& transport_;
  std::mutex mu_;
  std::string installed_cert_;  // guarded by mu_
};

}  // namespace

std::unique_ptr<CredentialSource> MakeCredentialSource(const RestConfig& config, Clock& clock,
                                                       Transport& transport) {
  if (config.exec) return std::make_unique<ExecToken>(config, clock, transport);
  if (!config.bearer_token_file.empty()) {
    return std::make_unique<FileToken>(config.bearer_token_file, clock);
  }
  if (!config.bearer_token.empty())
    return std::make_unique<StaticToken>(config.bearer_token.Copy());
  return nullptr;
}

}  // namespace drs::kubeclient
