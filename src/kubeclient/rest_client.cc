#include "kubeclient/rest_client.h"

#include <charconv>
#include <random>

#include "base/logging.h"
#include "kube/api_error.h"

namespace drs::kubeclient {
namespace {

bool IsSuccess(long status) { return status >= 200 && status < 300; }

// Did the server certainly not act on the request?
bool ServerDidNotAct(const Result<HttpResponse>& r) {
  if (!r.ok()) {
    // A refused connection never reached the server; other transport
    // failures might have happened after the request was sent.
    return r.error().reason() == kConnectFailedReason;
  }
  const long s = r->status;
  return s == 429 || (s >= 500 && r->Header("retry-after") != nullptr);
}

bool TransientForIdempotent(const Result<HttpResponse>& r) {
  if (!r.ok()) return r.error().code() == ErrorCode::kUnavailable;
  return r->status == 500 || r->status == 502 || r->status == 503 || r->status == 504;
}

std::chrono::seconds RetryAfter(const HttpResponse& response) {
  const std::string* h = response.Header("retry-after");
  if (h == nullptr) return std::chrono::seconds(0);
  long long seconds = 0;
  const auto [_, ec] = std::from_chars(h->data(), h->data() + h->size(), seconds);
  return ec == std::errc() && seconds > 0 ? std::chrono::seconds(seconds) : std::chrono::seconds(0);
}

std::mt19937_64& Rng() {
  thread_local std::mt19937_64 rng{std::random_device{}()};
  return rng;
}

}  // namespace

std::string QueryEscape(std::string_view text) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(text.size());
  for (const char c : text) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || u == '-' ||
        u == '.' || u == '_' || u == '~') {
      out += c;
    } else {
      out += '%';
      out += kHex[u >> 4];
      out += kHex[u & 0x0F];
    }
  }
  return out;
}

Result<std::unique_ptr<RestClient>> RestClient::Create(RestConfig config, Clock& clock,
                                                       RetryPolicy retry) {
  if (!config.server.starts_with("https://") && !config.server.starts_with("http://")) {
    return InvalidError("server '" + config.server + "' is not an http(s) URL")
        .WithContext("building a client for " + config.source);
  }
  while (config.server.ends_with('/')) config.server.pop_back();
  if (config.qps <= 0 || config.burst < 1) {
    return InvalidError("qps must be > 0 and burst >= 1");
  }
  return std::unique_ptr<RestClient>(new RestClient(std::move(config), clock, retry));
}

RestClient::RestClient(RestConfig config, Clock& clock, RetryPolicy retry)
    : config_(std::move(config)),
      clock_(clock),
      retry_(retry),
      backoff_(retry.backoff),
      transport_(config_),
      limiter_(clock, config_.qps, config_.burst),
      credentials_(MakeCredentialSource(config_, clock, transport_)) {}

RestClient::~RestClient() = default;

std::string RestClient::Url(const RestRequest& request) const {
  std::string url = config_.server + request.path;
  char sep = '?';
  for (const auto& [k, v] : request.query) {
    url += sep;
    url += QueryEscape(k);
    url += '=';
    url += QueryEscape(v);
    sep = '&';
  }
  return url;
}

Result<HttpRequest> RestClient::Build(const RestRequest& request, std::stop_token stop) {
  HttpRequest http;
  http.method = request.verb;
  http.url = Url(request);
  http.body = request.body;
  http.timeout = request.timeout.value_or(config_.request_timeout);
  http.idle_timeout = request.idle_timeout;
  http.headers.emplace_back("Accept", request.accept);
  if (!request.body.empty()) http.headers.emplace_back("Content-Type", request.content_type);
  if (credentials_) {
    DRS_ASSIGN_OR_RETURN(auto token, credentials_->Token(stop));
    if (token && !token->empty()) {
      http.headers.emplace_back("Authorization", "Bearer " + std::string(token->reveal()));
    }
  }
  return http;
}

Result<HttpResponse> RestClient::Send(const RestRequest& request, std::stop_token stop) {
  return Execute(request, nullptr, std::move(stop));
}

Result<HttpResponse> RestClient::Stream(const RestRequest& request, const DataCallback& on_data,
                                        std::stop_token stop) {
  return Execute(request, &on_data, std::move(stop));
}

Result<HttpResponse> RestClient::Execute(const RestRequest& request, const DataCallback* on_data,
                                         std::stop_token stop) {
  const bool idempotent = request.idempotent || request.verb == "GET" || request.verb == "HEAD";
  const std::string what = request.verb + " " + request.path;
  bool refreshed_credentials = false;
  for (int attempt = 0;; ++attempt) {
    if (!limiter_.Wait(stop)) return CancelledError(what + ": cancelled");
    auto http = Build(request, stop);
    if (!http.ok()) return std::move(http).error().WithContext("authenticating " + what);
    const auto started = clock_.Now();
    auto result =
        on_data != nullptr ? transport_.Stream(*http, *on_data, stop) : transport_.Do(*http, stop);
    if (observer_ != nullptr) {
      observer_->Observe(request.verb, result.ok() ? result->status : 0, clock_.Now() - started);
    }
    if (result.ok() && IsSuccess(result->status)) return result;
    if (!result.ok() && result.error().code() == ErrorCode::kCancelled) return result;

    if (result.ok() && result->status == 401 && !refreshed_credentials && credentials_ &&
        credentials_->OnUnauthorized()) {
      refreshed_credentials = true;  // one retry with fresh credentials
      continue;
    }
    const bool retryable =
        ServerDidNotAct(result) || (idempotent && TransientForIdempotent(result));
    if (!retryable || attempt >= request.max_retries.value_or(retry_.max_retries)) {
      if (!result.ok()) return std::move(result).error();
      return kube::ErrorFromHttp(
                 result->status, result->body,
                 result->Header("retry-after") ? *result->Header("retry-after") : std::string())
          .WithContext(what);
    }
    auto delay = std::chrono::duration_cast<Clock::Duration>(
        backoff_.Delay(static_cast<std::uint32_t>(attempt), Rng()));
    if (result.ok()) {
      const auto server_asked = std::min(RetryAfter(*result), retry_.max_retry_after);
      delay = std::max(delay, std::chrono::duration_cast<Clock::Duration>(server_asked));
    }
    GetLogger("kubeclient")
        ->warn(Fields(
            "retrying request",
            {{"request", what},
             {"server", config_.server},
             {"attempt", std::to_string(attempt + 1)},
             {"status", result.ok() ? std::to_string(result->status) : result.error().ToString()},
             {"delay_ms",
              std::to_string(
                  std::chrono::duration_cast<std::chrono::milliseconds>(delay).count())}}));
    if (!clock_.SleepFor(delay, stop)) return CancelledError(what + ": cancelled");
  }
}

}  // namespace drs::kubeclient
