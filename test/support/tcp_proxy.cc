#include "tcp_proxy.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace drs::testing {
namespace {

constexpr int kPollMillis = 50;  // how quickly pumps notice cuts, stalls and stops
constexpr std::size_t kBufferBytes = 64 * 1024;

int ConnectTo(std::uint16_t port) {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  return fd;
}

}  // namespace

struct TcpProxy::Connection {
  int client = -1;
  int upstream = -1;
  std::atomic<bool> closed{false};
  std::jthread a_to_b, b_to_a;

  void Close() {
    if (closed.exchange(true)) return;
    // shutdown wakes the pumps; the fds are closed when the threads finish.
    ::shutdown(client, SHUT_RDWR);
    ::shutdown(upstream, SHUT_RDWR);
  }
  ~Connection() {
    Close();
    a_to_b = {};
    b_to_a = {};
    ::close(client);
    ::close(upstream);
  }
};

TcpProxy::TcpProxy(std::uint16_t target_port) : target_port_(target_port) {
  listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = 0;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      ::listen(listen_fd_, SOMAXCONN) != 0) {
    throw std::runtime_error(std::string("TcpProxy: ") + std::strerror(errno));
  }
  socklen_t len = sizeof addr;
  ::getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  acceptor_ = std::jthread([this](std::stop_token st) { AcceptLoop(st); });
}

TcpProxy::~TcpProxy() {
  acceptor_.request_stop();
  acceptor_.join();
  ::close(listen_fd_);
  std::lock_guard lock(mu_);
  connections_.clear();
}

void TcpProxy::CutAll() {
  std::lock_guard lock(mu_);
  for (auto& c : connections_) c->Close();
}

void TcpProxy::AcceptLoop(std::stop_token stop) {
  while (!stop.stop_requested()) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (::poll(&p, 1, kPollMillis) <= 0) continue;
    int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (client < 0) continue;
    ++accepted_;
    int upstream = refusing_ ? -1 : ConnectTo(target_port_);
    if (upstream < 0) {
      ::close(client);
      continue;
    }
    auto conn = std::make_shared<Connection>();
    conn->client = client;
    conn->upstream = upstream;
    // The pumps borrow the connection: connections_ owns it, and destroying
    // it joins them first.
    Connection* c = conn.get();
    auto pump = [this, c](std::stop_token st, int from, int to) {
      char buf[kBufferBytes];
      while (!st.stop_requested() && !c->closed) {
        if (stalled_) {
          pollfd none{-1, 0, 0};
          ::poll(&none, 0, kPollMillis);
          continue;
        }
        pollfd readable{from, POLLIN, 0};
        if (::poll(&readable, 1, kPollMillis) <= 0) continue;
        const ssize_t n = ::read(from, buf, sizeof buf);
        if (n <= 0) break;
        if (::send(to, buf, static_cast<size_t>(n), MSG_NOSIGNAL) != n) break;
      }
      c->Close();
    };
    conn->a_to_b = std::jthread(pump, client, upstream);
    conn->b_to_a = std::jthread(pump, upstream, client);
    std::lock_guard lock(mu_);
    connections_.push_back(std::move(conn));
  }
}

}  // namespace drs::testing
