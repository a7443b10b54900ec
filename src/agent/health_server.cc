#include "agent/health_server.h"

#include <sys/socket.h>

#include <charconv>
#include <chrono>
#include <future>
#include <utility>

#include <httplib.h>

#include "base/logging.h"

namespace drs::agent {
namespace {

constexpr int kHttpOk = 200;
constexpr int kHttpUnavailable = 503;
// Probes are rare and quick.
constexpr std::size_t kWorkerThreads = 2;
// Bounds how long an idle or stalled probe connection can delay Stop().
constexpr time_t kIdleTimeoutSeconds = 1;
// httplib enters its accept loop right after the thread starts; this only
// bounds a wait that should never be long.
constexpr std::chrono::seconds kStartTimeout{10};

void Serve(const ProbeCheck& check, httplib::Response& res) {
  const Status status = check();
  res.status = status.ok() ? kHttpOk : kHttpUnavailable;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(status.ok() ? "ok\n" : status.error().message() + "\n",
                  "text/plain; charset=utf-8");
}

}  // namespace

HealthServer::HealthServer(std::string bind_address, ProbeCheck liveness, ProbeCheck readiness)
    : bind_address_(std::move(bind_address)),
      liveness_(std::move(liveness)),
      readiness_(std::move(readiness)),
      server_(std::make_unique<httplib::Server>()) {}

HealthServer::~HealthServer() { Stop(); }

Status HealthServer::Start() {
  const auto colon = bind_address_.rfind(':');
  if (colon == std::string::npos) {
    return InvalidError("health address \"" + bind_address_ + "\": want host:port or :port");
  }
  std::string host = bind_address_.substr(0, colon);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) host = "0.0.0.0";
  const std::string port_text = bind_address_.substr(colon + 1);
  int port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size() ||
      port < 0 || port > UINT16_MAX) {
    return InvalidError("health address \"" + bind_address_ + "\": bad port");
  }
  server_->Get("/healthz",
               [this](const httplib::Request&, httplib::Response& res) { Serve(liveness_, res); });
  server_->Get("/readyz",
               [this](const httplib::Request&, httplib::Response& res) { Serve(readiness_, res); });
  server_->set_keep_alive_timeout(kIdleTimeoutSeconds);
  server_->set_read_timeout(kIdleTimeoutSeconds, 0);
  server_->set_write_timeout(kIdleTimeoutSeconds, 0);
  // Only SO_REUSEADDR: httplib's default SO_REUSEPORT would let a second
  // agent bind the same port and take half the probes.
  server_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });
  // httplib calls this from the listener thread once it is running (after
  // which stop() is sure to end the accept loop) and owns the pool it gets.
  auto running = std::make_shared<std::promise<void>>();
  std::future<void> running_future = running->get_future();
  server_->new_task_queue = [running]() -> httplib::TaskQueue* {
    running->set_value();
    return std::make_unique<httplib::ThreadPool>(kWorkerThreads).release();
  };
  int bound = -1;
  if (port == 0) {
    bound = server_->bind_to_any_port(host);
  } else if (server_->bind_to_port(host, port)) {
    bound = port;
  }
  if (bound <= 0) return UnavailableError("cannot listen on " + bind_address_ + " for probes");
  port_ = static_cast<std::uint16_t>(bound);
  listener_ = std::jthread([this] { server_->listen_after_bind(); });
  if (running_future.wait_for(kStartTimeout) != std::future_status::ready) {
    return InternalError("probe server on " + bind_address_ + " did not start");
  }
  GetLogger("agent")->info(
      Fields("serving probes", {{"host", host}, {"port", std::to_string(port_)}}));
  return OkStatus();
}

void HealthServer::Stop() {
  if (!listener_.joinable()) return;
  server_->stop();
  listener_.join();
}

}  // namespace drs::agent
