#pragma once
// RestClient: Kubernetes REST semantics over a Transport — request URLs and
// query encoding, authentication, the client-side QPS/burst limit, retries of
// transient failures with backoff (honouring Retry-After), and decoding of
// failed responses into drs::Error (kube/api_error.h).
//
// Retry rules: a request is retried when the server did not act on it —
// 429, or a 5xx carrying Retry-After, or a connection that could not be
// made; a GET (or another request marked idempotent) is also retried after
// a reset connection or a 5xx. A 401 is retried once after the credential
// source refreshed. Everything else is returned to the caller at once.
//
// Thread-safety: thread-safe; share one RestClient per cluster.

#include <chrono>
#include <memory>
#include <optional>
#include <stop_token>
#include <string>
#include <utility>
#include <vector>

#include "base/backoff.h"
#include "base/clock.h"
#include "base/result.h"
#include "base/token_bucket.h"
#include "kubeclient/credentials.h"
#include "kubeclient/http.h"
#include "kubeclient/rest_config.h"
#include "kubeclient/transport.h"

namespace drs::kubeclient {

struct RestRequest {
  std::string verb = "GET";
  std::string path;  // absolute API path, e.g. /apis/apps/v1/namespaces/x/deployments
  std::vector<std::pair<std::string, std::string>> query;  // encoded by the client
  std::string body;
  std::string content_type = "application/json";
  std::string accept = "application/json";
  // nullopt: the config's request_timeout; zero: none (watches).
  std::optional<std::chrono::milliseconds> timeout;
  std::chrono::milliseconds idle_timeout{0};  // streams only
  // GETs are idempotent; set for other verbs that are safe to repeat.
  bool idempotent = false;
  // Overrides the client's RetryPolicy::max_retries for this request.
  std::optional<int> max_retries;
};

// Receives one call per request attempt, for metrics. Thread-safe.
class RequestObserver {
 public:
  virtual ~RequestObserver() = default;
  // `code` is the HTTP status, 0 when no response arrived.
  virtual void Observe(const std::string& verb, long code, Clock::Duration latency) = 0;
};

struct RetryPolicy {
  int max_retries = 5;
  BackoffPolicy backoff{.initial = std::chrono::milliseconds(200),
                        .max = std::chrono::seconds(10),
                        .factor = 2.0,
                        .jitter = 0.2};
  std::chrono::seconds max_retry_after{60};  // a server asking for more is capped
};

class RestClient {
 public:
  // REQUIRES: `clock` outlives the client.
  static Result<std::unique_ptr<RestClient>> Create(RestConfig config, Clock& clock,
                                                    RetryPolicy retry = {});
  ~RestClient();

  // Sends a request; a 2xx response is returned, anything else is an Error
  // that names the verb and path.
  Result<HttpResponse> Send(const RestRequest& request, std::stop_token stop = {});

  // Streams a response body to `on_data` (watches). Established like Send
  // (rate limit, auth, retries before the first byte); never retried once
  // data has flowed.
  Result<HttpResponse> Stream(const RestRequest& request, const DataCallback& on_data,
                              std::stop_token stop = {});

  // REQUIRES: set before concurrent use; the observer outlives the client.
  void SetObserver(RequestObserver* observer) { observer_ = observer; }
  const RestConfig& config() const { return config_; }
  std::string Url(const RestRequest& request) const;

 private:
  RestClient(RestConfig config, Clock& clock, RetryPolicy retry);
  Result<HttpResponse> Execute(const RestRequest& request, const DataCallback* on_data,
                               std::stop_token stop);
  Result<HttpRequest> Build(const RestRequest& request, std::stop_token stop);

  RestConfig config_;
  Clock& clock_;
  RetryPolicy retry_;
  ExponentialBackoff backoff_;
  Transport transport_;
  TokenBucket limiter_;
  std::unique_ptr<CredentialSource> credentials_;
  RequestObserver* observer_ = nullptr;
};

// Percent-encodes a query component (RFC 3986 unreserved characters kept).
std::string QueryEscape(std::string_view text);

}  // namespace drs::kubeclient
