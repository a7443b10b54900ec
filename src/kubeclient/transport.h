#pragma once
// Transport: HTTP(S) to one API server over libcurl. It owns the TLS set-up
// of a RestConfig (CA, client certificate, proxy, server-name override) and a
// pool of curl handles so connections are reused; it negotiates HTTP/2 when
// the server offers it and accepts gzip. It knows nothing of Kubernetes
// semantics (auth headers, retries and error decoding live in RestClient).
//
// Every call honours a std::stop_token: a stop aborts the transfer within
// about a second (libcurl's progress callback cadence) with kCancelled.
//
// Thread-safety: thread-safe; concurrent calls use distinct curl handles.

#include <functional>
#include <memory>
#include <mutex>
#include <stop_token>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "kubeclient/http.h"
#include "kubeclient/rest_config.h"

namespace drs::kubeclient {

// The reason on an Unavailable error when no connection could be made (the
// request certainly never reached the server).
inline constexpr std::string_view kConnectFailedReason = "ConnectFailed";

// Called with each chunk of a streamed body; return false to stop reading.
using DataCallback = std::function<bool(std::string_view chunk)>;

class Transport {
 public:
  // REQUIRES: config.server is an http(s) URL.
  explicit Transport(const RestConfig& config);
  ~Transport();
  Transport(const Transport&) = delete;
  Transport& operator=(const Transport&) = delete;

  // Sends a request and buffers the whole response. Non-2xx statuses are
  // returned as responses; only transfer failures are errors (Unavailable,
  // DeadlineExceeded, Cancelled).
  Result<HttpResponse> Do(const HttpRequest& request, std::stop_token stop);

  // Sends a request and hands the body to `on_data` as it arrives (watches).
  // Returns the response with an empty body (headers and status) when the
  // stream ends normally or on_data returned false. For a non-2xx status the
  // body is buffered into the response instead of being streamed.
  Result<HttpResponse> Stream(const HttpRequest& request, const DataCallback& on_data,
                              std::stop_token stop);

  // Replaces the client certificate used for new requests (exec plugins may
  // hand out short-lived certificates).
  void SetClientCertificate(std::string cert_pem, SecretBytes key_pem);

  const std::string& server() const { return server_; }

 private:
  struct Handle;
  struct Transfer;
  std::unique_ptr<Handle> Acquire();
  void Release(std::unique_ptr<Handle> handle);
  Result<HttpResponse> Perform(const HttpRequest& request, const DataCallback* on_data,
                               std::stop_token stop);

  const std::string server_;
  const std::string ca_pem_;
  const bool insecure_;
  const std::string tls_server_name_;
  const std::string proxy_url_;
  const std::chrono::milliseconds connect_timeout_;
  const std::string user_agent_;

  std::mutex mu_;
  std::vector<std::unique_ptr<Handle>> idle_;  // guarded by mu_
  std::string client_cert_pem_;                // guarded by mu_
  SecretBytes client_key_pem_;                 // guarded by mu_
};

}  // namespace drs::kubeclient
