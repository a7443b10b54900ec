#pragma once
// Test-only helpers for the RestClient fault tests: a misbehaving plain-HTTP
// server on 127.0.0.1 (cpp-httplib) whose answers the test scripts per
// attempt, and an observer that records every attempt RestClient makes.
// This is a transport-level fault injector, not a Kubernetes mock: it only
// answers with the statuses, headers and stalls a test asks for.
// Header-only so the fault tests need no library of their own.

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <stop_token>
#include <string>
#include <thread>
#include <vector>

#include <gtest/gtest.h>
#include <httplib.h>

#include "base/backoff.h"
#include "kubeclient/rest_client.h"

namespace drs::testing {

// Far longer than any step of these tests takes; only reached on a failure.
inline constexpr auto kFaultDeadline = std::chrono::seconds(30);

// A request as the server saw it.
struct SeenRequest {
  std::string method;
  std::string authorization;
  std::string accept_encoding;
  std::string body;
};

// Owned by one test. Thread-safe: handlers run on httplib's worker threads.
class FaultServer {
 public:
  // Called for the request numbered `hit` (0-based, in arrival order).
  using Handler = std::function<void(int hit, const httplib::Request&, httplib::Response&)>;

  explicit FaultServer(Handler handler) : handler_(std::move(handler)) {
    const auto dispatch = [this](const httplib::Request& req, httplib::Response& res) {
      int hit = 0;
      {
        std::lock_guard lock(mu_);
        hit = static_cast<int>(seen_.size());
        seen_.push_back({req.method, req.get_header_value("Authorization"),
                         req.get_header_value("Accept-Encoding"), req.body});
        arrived_.notify_all();
      }
      handler_(hit, req, res);
    };
    server_.Get(".*", dispatch);
    server_.Post(".*", dispatch);
    server_.Put(".*", dispatch);
    server_.Delete(".*", dispatch);
    port_ = server_.bind_to_any_port("127.0.0.1");
    if (port_ <= 0) {
      ADD_FAILURE() << "the fault server could not bind 127.0.0.1";
      return;
    }
    listener_ = std::jthread([this] { server_.listen_after_bind(); });
    const auto deadline = std::chrono::steady_clock::now() + kFaultDeadline;
    while (!server_.is_running() && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (!server_.is_running()) ADD_FAILURE() << "the fault server did not start listening";
  }

  ~FaultServer() {
    release_.request_stop();  // handlers parked in HoldUntilShutdown() return
    server_.stop();           // joins httplib's workers once they have
  }
  FaultServer(const FaultServer&) = delete;
  FaultServer& operator=(const FaultServer&) = delete;

  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
  int hits() const {
    std::lock_guard lock(mu_);
    return static_cast<int>(seen_.size());
  }
  // Waits until `n` requests have arrived; false on the deadline.
  bool WaitForHits(std::size_t n) {
    std::unique_lock lock(mu_);
    return arrived_.wait_for(lock, kFaultDeadline, [&] { return seen_.size() >= n; });
  }
  std::vector<SeenRequest> seen() const {
    std::lock_guard lock(mu_);
    return seen_;
  }

  // For a handler that must not answer (a hung server): blocks until the
  // server is being destroyed, or kFaultDeadline as a safety net.
  void HoldUntilShutdown() {
    std::mutex mu;
    std::condition_variable_any cv;
    std::unique_lock lock(mu);
    cv.wait_for(lock, release_.get_token(), kFaultDeadline, [] { return false; });
  }

 private:
  Handler handler_;
  httplib::Server server_;
  int port_ = 0;
  std::stop_source release_;
  mutable std::mutex mu_;
  std::condition_variable arrived_;
  std::vector<SeenRequest> seen_;  // guarded by mu_
  std::jthread listener_;
};

// Records the HTTP status of every attempt (0 = no response). Thread-safe.
class AttemptRecorder final : public kubeclient::RequestObserver {
 public:
  void Observe(const std::string& /*verb*/, long code, Clock::Duration /*latency*/) override {
    std::lock_guard lock(mu_);
    codes_.push_back(code);
    cv_.notify_all();
  }
  std::vector<long> codes() const {
    std::lock_guard lock(mu_);
    return codes_;
  }
  // Waits until at least `n` attempts were observed; false on the deadline.
  bool WaitForAttempts(std::size_t n) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, kFaultDeadline, [&] { return codes_.size() >= n; });
  }

 private:
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::vector<long> codes_;  // guarded by mu_
};

// Retries fast enough that a test of several attempts takes milliseconds.
inline kubeclient::RetryPolicy FastRetry(int max_retries = 3) {
  return {.max_retries = max_retries,
          .backoff = BackoffPolicy{.initial = std::chrono::milliseconds(10),
                                   .max = std::chrono::milliseconds(50),
                                   .factor = 2.0,
                                   .jitter = 0.0}};
}

// A plain-HTTP client for `server`, unthrottled unless `config` says otherwise.
inline std::unique_ptr<kubeclient::RestClient> FaultClient(kubeclient::RestConfig config,
                                                           kubeclient::RetryPolicy retry,
                                                           AttemptRecorder& recorder) {
  auto client = kubeclient::RestClient::Create(std::move(config), RealClock::Get(), retry);
  if (!client.ok()) {
    ADD_FAILURE() << client.error();
    return nullptr;
  }
  (*client)->SetObserver(&recorder);
  return std::move(client).value();
}

inline kubeclient::RestConfig PlainConfig(const std::string& server) {
  kubeclient::RestConfig config;
  config.server = server;
  config.qps = 1000;
  config.burst = 1000;
  config.source = "fault test";
  return config;
}

inline double Seconds(std::chrono::steady_clock::duration d) {
  return std::chrono::duration<double>(d).count();
}

}  // namespace drs::testing
