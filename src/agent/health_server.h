#pragma once
// HealthServer: the agent's probe endpoints, on cpp-httplib directly (the
// operator's runtime::HttpServer would pull the Kubernetes client into a
// binary that needs none).
//   GET /healthz  200 "ok" while the liveness check passes, else 503 + reason
//   GET /readyz   200 "ok" while the readiness check passes, else 503 + reason
//
// Thread-safety: thread-safe. Owns a listener std::jthread and httplib's
// small worker pool; Stop (and the destructor) joins them. Checks are called
// from worker threads and must be thread-safe.

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "base/result.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace drs::agent {

using ProbeCheck = std::function<Status()>;

class HealthServer {
 public:
  // `bind_address` is "host:port" or ":port" (every IPv4 interface).
  HealthServer(std::string bind_address, ProbeCheck liveness, ProbeCheck readiness);
  ~HealthServer();
  HealthServer(const HealthServer&) = delete;
  HealthServer& operator=(const HealthServer&) = delete;

  // Binds and serves. Invalid for a malformed address, Unavailable when it
  // cannot be bound. REQUIRES: called at most once.
  Status Start();
  void Stop();
  std::uint16_t port() const { return port_; }

 private:
  const std::string bind_address_;
  const ProbeCheck liveness_;
  const ProbeCheck readiness_;
  std::unique_ptr<httplib::Server> server_;
  std::uint16_t port_ = 0;
  std::jthread listener_;
};

}  // namespace drs::agent
