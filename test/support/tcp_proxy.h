#pragma once
// TcpProxy: a loopback TCP proxy for fault injection. Tests point a client
// at proxy.port() instead of the API server, then cut every open connection
// (like a network partition healing immediately), stall them (bytes stop
// flowing but the sockets stay open, like a dead peer behind a NAT), or
// refuse new connections.
//
// Thread-safety: thread-safe. One acceptor thread plus two pump threads per
// connection; all stop in the destructor.

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace drs::testing {

class TcpProxy {
 public:
  // Listens on 127.0.0.1 at a free port and forwards to 127.0.0.1:target_port.
  explicit TcpProxy(std::uint16_t target_port);
  ~TcpProxy();
  TcpProxy(const TcpProxy&) = delete;
  TcpProxy& operator=(const TcpProxy&) = delete;

  std::uint16_t port() const { return port_; }
  // Closes every open connection (both sides see a reset/EOF).
  void CutAll();
  // While stalled, no byte is forwarded in either direction.
  void SetStalled(bool stalled) { stalled_ = stalled; }
  // While refusing, new connections are accepted and closed at once.
  void SetRefusing(bool refusing) { refusing_ = refusing; }
  int connections_accepted() const { return accepted_; }

 private:
  struct Connection;
  void AcceptLoop(std::stop_token stop);

  std::uint16_t target_port_;
  std::uint16_t port_ = 0;
  int listen_fd_ = -1;
  std::atomic<bool> stalled_{false};
  std::atomic<bool> refusing_{false};
  std::atomic<int> accepted_{0};
  std::mutex mu_;
  std::vector<std::shared_ptr<Connection>> connections_;  // guarded by mu_
  std::jthread acceptor_;
};

}  // namespace drs::testing
