#include "kubeclient/transport.h"

#include <algorithm>
#include <cctype>
#include <chrono>

#include <curl/curl.h>

#include "base/logging.h"

namespace drs::kubeclient {
namespace {

// TCP keepalive so a peer that vanished without a FIN is noticed on idle
// connections (the kernel default is two hours).
constexpr long kKeepAliveIdleSeconds = 30;
constexpr long kKeepAliveIntervalSeconds = 15;
// Cap on a buffered error body kept for messages; API errors are small.
constexpr std::size_t kMaxBufferedBody = 64UL * 1024 * 1024;

void GlobalInit() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct CurlEasyDeleter {
  void operator()(CURL* h) const { curl_easy_cleanup(h); }
};
struct SlistDeleter {
  void operator()(curl_slist* l) const { curl_slist_free_all(l); }
};
using SlistPtr = std::unique_ptr<curl_slist, SlistDeleter>;

SlistPtr Append(SlistPtr list, const std::string& line) {
  curl_slist* raw = curl_slist_append(list.get(), line.c_str());
  if (raw != nullptr) {
    (void)list.release();  // now owned by the longer list head `raw`
    list.reset(raw);
  }
  return list;
}

// scheme://host[:port][/prefix] -> parts, for the tls-server-name override.
struct UrlParts {
  std::string scheme, host, port, rest;
};
UrlParts SplitUrl(const std::string& url) {
  UrlParts p;
  const auto scheme_end = url.find("://");
  p.scheme = url.substr(0, scheme_end);
  const auto host_start = scheme_end + 3;
  const auto path_start = url.find('/', host_start);
  std::string hostport = url.substr(host_start, path_start - host_start);
  p.rest = path_start == std::string::npos ? "" : url.substr(path_start);
  const auto colon = hostport.rfind(':');
  if (colon != std::string::npos && hostport.find(']', colon) == std::string::npos) {
    p.host = hostport.substr(0, colon);
    p.port = hostport.substr(colon + 1);
  } else {
    p.host = hostport;
    p.port = p.scheme == "https" ? "443" : "80";
  }
  return p;
}

// `request_sent`: libcurl got as far as sending the request.
Error TransferError(CURLcode code, const char* detail, const HttpRequest& request,
                    bool request_sent) {
  std::string what = request.method + " " + request.url + ": " + curl_easy_strerror(code);
  if (detail != nullptr && *detail != '\0') what += " (" + std::string(detail) + ")";
  switch (code) {
    case CURLE_OPERATION_TIMEDOUT:
      if (!request_sent) {
        // The connect (or TLS handshake) timed out: a server that drops SYNs
        // never saw the request, which is as safe to retry as a refusal.
        return UnavailableError(std::move(what)).WithReason(std::string(kConnectFailedReason));
      }
      return DeadlineExceededError(std::move(what));
    case CURLE_SSL_CONNECT_ERROR:
      // The handshake broke off (a reset, a proxy closing on us, a server
      // restarting): transient, and the request was never sent. A server
      // that cannot be trusted fails verification instead (below).
      return UnavailableError("TLS handshake: " + what)
          .WithReason(std::string(kConnectFailedReason));
    case CURLE_PEER_FAILED_VERIFICATION:
    case CURLE_SSL_CERTPROBLEM:
    case CURLE_SSL_CIPHER:
    case CURLE_SSL_CACERT_BADFILE:
    case CURLE_SSL_ISSUER_ERROR:
    case CURLE_SSL_CLIENTCERT:
      // The server is up but cannot be trusted (or does not trust us):
      // retrying will not help, and the user has a certificate to fix.
      return FailedPreconditionError("TLS: " + what).WithReason("TLSError");
    case CURLE_COULDNT_CONNECT:
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_RESOLVE_PROXY:
      // Nothing reached the server, so any request may be retried.
      return UnavailableError(std::move(what)).WithReason(std::string(kConnectFailedReason));
    default:
      return UnavailableError(std::move(what));
  }
}

}  // namespace

struct Transport::Handle {
  std::unique_ptr<CURL, CurlEasyDeleter> curl;
};

// Per-transfer state shared with libcurl's callbacks.
struct Transport::Transfer {
  HttpResponse response;
  const DataCallback* on_data = nullptr;
  std::stop_token stop;
  std::chrono::milliseconds idle_timeout{0};
  std::chrono::steady_clock::time_point last_data = std::chrono::steady_clock::now();
  bool consumer_stopped = false;
  bool idle_expired = false;
  CURL* curl = nullptr;

  static size_t OnHeader(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    std::string_view line(data, size * count);
    if (line.starts_with("HTTP/")) {
      t->response.headers.clear();  // a new response (after 100-continue or a redirect)
    } else if (auto colon = line.find(':'); colon != std::string_view::npos) {
      std::string name(line.substr(0, colon));
      std::transform(name.begin(), name.end(), name.begin(),
                     [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
      std::string_view value = line.substr(colon + 1);
      while (!value.empty() && (value.front() == ' ' || value.front() == '\t'))
        value.remove_prefix(1);
      while (!value.empty() &&
             (value.back() == '\r' || value.back() == '\n' || value.back() == ' ')) {
        value.remove_suffix(1);
      }
      t->response.headers[name] = std::string(value);
    }
    return size * count;
  }

  static size_t OnData(char* data, size_t size, size_t count, void* user) {
    auto* t = static_cast<Transfer*>(user);
    const size_t n = size * count;
    t->last_data = std::chrono::steady_clock::now();
    long status = 0;
    curl_easy_getinfo(t->curl, CURLINFO_RESPONSE_CODE, &status);
    const bool streaming = t->on_data != nullptr && status >= 200 && status < 300;
    if (streaming) {
      if (!(*t->on_data)(std::string_view(data, n))) {
        t->consumer_stopped = true;
        return 0;  // aborts the transfer; reported as a normal end
      }
      return n;
    }
    if (t->response.body.size() + n > kMaxBufferedBody) return 0;
    t->response.body.append(data, n);
    return n;
  }

  static int OnProgress(void* user, curl_off_t, curl_off_t, curl_off_t, curl_off_t) {
    auto* t = static_cast<Transfer*>(user);
    if (t->stop.stop_requested()) return 1;
    if (t->idle_timeout.count() > 0 &&
        std::chrono::steady_clock::now() - t->last_data > t->idle_timeout) {
      t->idle_expired = true;
      return 1;
    }
    return 0;
  }
};

Transport::Transport(const RestConfig& config)
    : server_(config.server),
      ca_pem_(config.ca_pem),
      insecure_(config.insecure_skip_tls_verify),
      tls_server_name_(config.tls_server_name),
      proxy_url_(config.proxy_url),
      connect_timeout_(config.connect_timeout),
      user_agent_(config.user_agent),
      client_cert_pem_(config.client_cert_pem),
      client_key_pem_(config.client_key_pem.Copy()) {
  GlobalInit();
  if (insecure_) {
    GetLogger("kubeclient")
        ->warn(Fields("TLS verification is OFF for this cluster because its kubeconfig sets "
                      "insecure-skip-tls-verify",
                      {{"server", server_}, {"source", config.source}}));
  }
}

Transport::~Transport() = default;

std::unique_ptr<Transport::Handle> Transport::Acquire() {
  {
    std::lock_guard lock(mu_);
    if (!idle_.empty()) {
      auto h = std::move(idle_.back());
      idle_.pop_back();
      // Reset options but keep the handle's live connections and TLS sessions.
      curl_easy_reset(h->curl.get());
      return h;
    }
  }
  auto h = std::make_unique<Handle>();
  h->curl.reset(curl_easy_init());
  return h;
}

void Transport::Release(std::unique_ptr<Handle> handle) {
  std::lock_guard lock(mu_);
  idle_.push_back(std::move(handle));
}

void Transport::SetClientCertificate(std::string cert_pem, SecretBytes key_pem) {
  std::lock_guard lock(mu_);
  client_cert_pem_ = std::move(cert_pem);
  client_key_pem_ = std::move(key_pem);
}

Result<HttpResponse> Transport::Do(const HttpRequest& request, std::stop_token stop) {
  return Perform(request, nullptr, std::move(stop));
}

Result<HttpResponse> Transport::Stream(const HttpRequest& request, const DataCallback& on_data,
                                       std::stop_token stop) {
  return Perform(request, &on_data, std::move(stop));
}

Result<HttpResponse> Transport::Perform(const HttpRequest& request, const DataCallback* on_data,
                                        std::stop_token stop) {
  if (stop.stop_requested()) return CancelledError(request.method + " " + request.url);
  auto handle = Acquire();
  if (!handle->curl) return InternalError("curl_easy_init failed");
  CURL* h = handle->curl.get();

  std::string url = request.url;
  SlistPtr connect_to;
  if (!tls_server_name_.empty()) {
    // Verify the certificate against tls-server-name while connecting to the
    // real host: address the URL to the name and route it to the host.
    const UrlParts real = SplitUrl(request.url);
    url = real.scheme + "://" + tls_server_name_ + ":" + real.port + real.rest;
    connect_to = Append(std::move(connect_to),
                        tls_server_name_ + ":" + real.port + ":" + real.host + ":" + real.port);
    curl_easy_setopt(h, CURLOPT_CONNECT_TO, connect_to.get());
  }

  Transfer t;
  t.on_data = on_data;
  t.stop = stop;
  t.idle_timeout = request.idle_timeout;
  t.curl = h;
  char error_buffer[CURL_ERROR_SIZE] = {};

  curl_easy_setopt(h, CURLOPT_URL, url.c_str());
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, error_buffer);
  curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(h, CURLOPT_HTTP_VERSION, static_cast<long>(CURL_HTTP_VERSION_2TLS));
  curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");  // every encoding libcurl decodes (gzip)
  curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPIDLE, kKeepAliveIdleSeconds);
  curl_easy_setopt(h, CURLOPT_TCP_KEEPINTVL, kKeepAliveIntervalSeconds);
  curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, connect_timeout_.count());
  if (request.timeout.count() > 0) {
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, request.timeout.count());
  }
  curl_easy_setopt(h, CURLOPT_USERAGENT, user_agent_.c_str());
  curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);

  // TLS: in-memory CA and client identity; verification on unless the
  // kubeconfig explicitly turned it off.
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, insecure_ ? 0L : 1L);
  curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, insecure_ ? 0L : 2L);
  curl_blob ca_blob{const_cast<char*>(ca_pem_.data()), ca_pem_.size(), CURL_BLOB_NOCOPY};
  if (!ca_pem_.empty()) curl_easy_setopt(h, CURLOPT_CAINFO_BLOB, &ca_blob);
  std::string cert_pem;
  SecretBytes key_pem;
  {
    std::lock_guard lock(mu_);
    cert_pem = client_cert_pem_;
    key_pem = client_key_pem_.Copy();
  }
  curl_blob cert_blob{cert_pem.data(), cert_pem.size(), CURL_BLOB_NOCOPY};
  curl_blob key_blob{const_cast<char*>(key_pem.reveal().data()), key_pem.size(), CURL_BLOB_COPY};
  if (!cert_pem.empty()) {
    curl_easy_setopt(h, CURLOPT_SSLCERT_BLOB, &cert_blob);
    curl_easy_setopt(h, CURLOPT_SSLCERTTYPE, "PEM");
    curl_easy_setopt(h, CURLOPT_SSLKEY_BLOB, &key_blob);
    curl_easy_setopt(h, CURLOPT_SSLKEYTYPE, "PEM");
  }
  if (!proxy_url_.empty()) curl_easy_setopt(h, CURLOPT_PROXY, proxy_url_.c_str());

  SlistPtr headers;
  headers = Append(std::move(headers), "Expect:");  // no 100-continue round trip
  for (const auto& [name, value] : request.headers) {
    headers = Append(std::move(headers), name + ": " + value);
  }
  curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers.get());

  if (request.method == "HEAD") {
    curl_easy_setopt(h, CURLOPT_NOBODY, 1L);
  } else {
    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, request.method.c_str());
  }
  if (!request.body.empty() || request.method == "POST" || request.method == "PUT" ||
      request.method == "PATCH") {
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.c_str());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
  }

  curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, &Transfer::OnHeader);
  curl_easy_setopt(h, CURLOPT_HEADERDATA, &t);
  curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, &Transfer::OnData);
  curl_easy_setopt(h, CURLOPT_WRITEDATA, &t);
  curl_easy_setopt(h, CURLOPT_NOPROGRESS, 0L);
  curl_easy_setopt(h, CURLOPT_XFERINFOFUNCTION, &Transfer::OnProgress);
  curl_easy_setopt(h, CURLOPT_XFERINFODATA, &t);

  const CURLcode rc = curl_easy_perform(h);
  curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &t.response.status);
  long http_version = 0;
  curl_easy_getinfo(h, CURLINFO_HTTP_VERSION, &http_version);
  t.response.http_major_version = http_version == CURL_HTTP_VERSION_2_0 ? 2 : 1;
  // libcurl stamps this (at least 1 us) just before it sends the request, on
  // new and reused connections alike; 0 means the request never left.
  curl_off_t pretransfer_us = 0;
  curl_easy_getinfo(h, CURLINFO_PRETRANSFER_TIME_T, &pretransfer_us);
  // Drop references to this call's buffers before the handle goes back to the pool.
  curl_easy_setopt(h, CURLOPT_ERRORBUFFER, nullptr);
  const std::string detail = error_buffer;
  Release(std::move(handle));

  if (rc == CURLE_OK || (rc == CURLE_WRITE_ERROR && t.consumer_stopped)) {
    return std::move(t.response);
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK && t.idle_expired) {
    return DeadlineExceededError(request.method + " " + request.url + ": no data for " +
                                 std::to_string(request.idle_timeout.count()) +
                                 " ms; the connection is stalled")
        .WithReason("StreamStalled");
  }
  if (rc == CURLE_ABORTED_BY_CALLBACK || stop.stop_requested()) {
    return CancelledError(request.method + " " + request.url + ": cancelled");
  }
  if (rc == CURLE_WRITE_ERROR) {
    return ResourceExhaustedError(request.method + " " + request.url +
                                  ": response body larger than the buffer limit");
  }
  return TransferError(rc, detail.c_str(), request, pretransfer_us > 0);
}

}  // namespace drs::kubeclient
