#pragma once
// CredentialSource: where a RestClient gets the bearer token for a request.
// Implementations cover a literal token, a token file that rotates
// (in-cluster service-account tokens) and exec credential plugins. A client
// certificate from a kubeconfig is not a CredentialSource: it is part of the
// transport's TLS set-up.
//
// Thread-safety: implementations are thread-safe.

#include <memory>
#include <optional>
#include <stop_token>

#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient {

class Transport;

class CredentialSource {
 public:
  virtual ~CredentialSource() = default;
  // The token to send now, or nullopt for none.
  virtual Result<std::optional<SecretBytes>> Token(std::stop_token stop) = 0;
  // The server answered 401: drop cached credentials so the next call
  // fetches fresh ones. Returns true when a retry may succeed.
  virtual bool OnUnauthorized() { return false; }
};

// Picks the source a RestConfig asks for (exec plugin, token file, literal
// token), or nullptr when it authenticates by certificate only. An exec
// plugin that hands out client certificates installs them on `transport`.
// REQUIRES: `clock` and `transport` outlive the returned source.
std::unique_ptr<CredentialSource> MakeCredentialSource(const RestConfig& config, Clock& clock,
                                                       Transport& transport);

}  // namespace drs::kubeclient
