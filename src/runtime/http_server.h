#pragma once
// HttpServer: the operator's health and metrics endpoints, on cpp-httplib
// with a small thread pool of its own:
//   GET /healthz  liveness checks  (HealthChecks: 200 "ok" or 500 listing failures)
//   GET /readyz   readiness checks (same; ?verbose lists every check,
//                 ?exclude=<name> skips one)
//   GET /metrics  the Registry in the Prometheus text format 0.0.4
// controller-runtime serves these on two ports; one server with both is
// enough here and a manager may still run two.
//
//   HttpServer server({.bind_address = ":8080", .registry = &registry});
//   server.AddReadinessCheck("informers", [&] { return synced ? OkStatus() : ...; });
//   DRS_RETURN_IF_ERROR(server.Start());
//   ...
//   server.Stop();
//
// Stop returns at once when no client holds a connection open; an idle
// keep-alive or stalled connection delays it by at most kIdleTimeout
// (httplib only notices a stop between requests).
//
// Thread-safety: thread-safe. Owns a listener std::jthread and the pool's
// threads; all are joined by Stop (and the destructor). Checks may be added
// before or after Start.

#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>

#include "base/result.h"
#include "runtime/health_checks.h"
#include "runtime/metrics.h"

namespace httplib {
class Server;
}  // namespace httplib

namespace drs::runtime {

struct BindAddress {
  std::string host;  // "0.0.0.0" when the address gave none
  std::uint16_t port = 0;
};

// "host:port", ":port" (every IPv4 interface) or "[v6addr]:port"; port 0
// means any free port. Invalid otherwise.
Result<BindAddress> ParseBindAddress(std::string_view address);

struct HttpServerOptions {
  std::string bind_address = "127.0.0.1:0";
  // Served at /metrics; null answers 404. Not owned; must outlive the server.
  const Registry* registry = nullptr;
  // Probes and scrapes are rare and quick: a few threads are plenty.
  int threads = 4;
};

class HttpServer {
 public:
  // How long a connection may sit without sending a request, and how long a
  // read or write may stall, before the server drops it. Bounds Stop().
  static constexpr std::chrono::seconds kIdleTimeout{1};

  explicit HttpServer(HttpServerOptions options);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  void AddLivenessCheck(const std::string& name, HealthCheckFn check);
  void AddReadinessCheck(const std::string& name, HealthCheckFn check);

  // Binds and starts serving. Unavailable when the address cannot be bound.
  // REQUIRES: called at most once.
  Status Start();
  // Stops accepting, finishes requests in flight, joins every thread.
  // Idempotent; a no-op before Start.
  void Stop();

  // The bound port (the one picked when 0 was asked for); 0 before Start.
  std::uint16_t port() const;

 private:
  void InstallHandlers();

  const HttpServerOptions options_;
  HealthChecks liveness_{"healthz"};
  HealthChecks readiness_{"readyz"};
  std::unique_ptr<httplib::Server> server_;

  mutable std::mutex mu_;
  std::uint16_t port_ = 0;  // guarded by mu_
  std::jthread listener_;   // guarded by mu_; runs httplib's accept loop
};

}  // namespace drs::runtime
