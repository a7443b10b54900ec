#include "runtime/http_server.h"

#include <algorithm>
#include <charconv>
#include <future>
#include <set>
#include <utility>

#include <httplib.h>
#include <sys/socket.h>

#include "base/logging.h"

namespace drs::runtime {
namespace {

constexpr int kHttpNotFound = 404;
constexpr std::string_view kHealthContentType = "text/plain; charset=utf-8";
constexpr std::string_view kAllInterfaces = "0.0.0.0";
// httplib enters its accept loop right after the listener thread starts;
// this only bounds a wait that should never be long.
constexpr std::chrono::seconds kStartTimeout{10};

std::shared_ptr<spdlog::logger> Log() {
  static const auto log = GetLogger("http");
  return log;
}

Error BadAddress(std::string_view address, std::string_view why) {
  return InvalidError("bind address \"" + std::string(address) + "\": " + std::string(why));
}

void Answer(httplib::Response& res, const HealthResponse& health) {
  res.status = health.status;
  res.set_header("X-Content-Type-Options", "nosniff");
  res.set_content(health.body, std::string(kHealthContentType));
}

void ServeChecks(HealthChecks& checks, const httplib::Request& req, httplib::Response& res) {
  std::set<std::string> excluded;
  const auto range = req.params.equal_range("exclude");
  for (auto it = range.first; it != range.second; ++it) {
    excluded.insert(it->second);
  }
  Answer(res, checks.Run(req.has_param("verbose"), excluded));
}

}  // namespace

Result<BindAddress> ParseBindAddress(std::string_view address) {
  const auto colon = address.rfind(':');
  if (colon == std::string_view::npos) {
    return BadAddress(address, "want host:port");
  }
  std::string_view host = address.substr(0, colon);
  const std::string_view port_text = address.substr(colon + 1);
  if (host.starts_with('[')) {
    if (!host.ends_with(']') || host.size() < 3) {
      return BadAddress(address, "unbalanced brackets");
    }
    host = host.substr(1, host.size() - 2);
  } else if (host.find(':') != std::string_view::npos) {
    return BadAddress(address, "an IPv6 host needs brackets");
  }
  std::uint16_t port = 0;
  const auto [end, ec] =
      std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (port_text.empty() || ec != std::errc() || end != port_text.data() + port_text.size()) {
    return BadAddress(address, "port must be a number from 0 to 65535");
  }
  return BindAddress{.host = host.empty() ? std::string(kAllInterfaces) : std::string(host),
                     .port = port};
}

HttpServer::HttpServer(HttpServerOptions options)
    : options_(std::move(options)), server_(std::make_unique<httplib::Server>()) {}

HttpServer::~HttpServer() { Stop(); }

void HttpServer::AddLivenessCheck(const std::string& name, HealthCheckFn check) {
  liveness_.Add(name, std::move(check));
}

void HttpServer::AddReadinessCheck(const std::string& name, HealthCheckFn check) {
  readiness_.Add(name, std::move(check));
}

void HttpServer::InstallHandlers() {
  server_->Get("/healthz", [this](const httplib::Request& req, httplib::Response& res) {
    ServeChecks(liveness_, req, res);
  });
  server_->Get("/readyz", [this](const httplib::Request& req, httplib::Response& res) {
    ServeChecks(readiness_, req, res);
  });
  server_->Get("/metrics", [this](const httplib::Request&, httplib::Response& res) {
    if (options_.registry == nullptr) {
      res.status = kHttpNotFound;
      return;
    }
    res.set_content(options_.registry->Render(), std::string(kPrometheusTextContentType));
  });
}

Status HttpServer::Start() {
  DRS_ASSIGN_OR_RETURN(const BindAddress bind, ParseBindAddress(options_.bind_address));
  std::lock_guard lock(mu_);
  InstallHandlers();
  const time_t idle = kIdleTimeout.count();
  server_->set_keep_alive_timeout(idle);
  server_->set_read_timeout(idle, 0);
  server_->set_write_timeout(idle, 0);
  // httplib's default also sets SO_REUSEPORT, which would let a second
  // process bind the same port and silently take half the probes. Only
  // SO_REUSEADDR, so a restart can bind while old connections sit in TIME_WAIT.
  server_->set_socket_options([](socket_t sock) {
    const int yes = 1;
    ::setsockopt(sock, SOL_SOCKET, SO_REUSEADDR, &yes, sizeof(yes));
  });

  // httplib calls this once, from the listener thread, just after it marks
  // itself running — after which stop() is sure to end the accept loop. It
  // takes ownership of the returned pool (its API wants a raw pointer).
  auto running = std::make_shared<std::promise<void>>();
  std::future<void> running_future = running->get_future();
  const auto threads = static_cast<std::size_t>(std::max(1, options_.threads));
  server_->new_task_queue = [running, threads]() -> httplib::TaskQueue* {
    running->set_value();
    return std::make_unique<httplib::ThreadPool>(threads).release();
  };

  int port = bind.port;
  if (bind.port == 0) {
    port = server_->bind_to_any_port(bind.host);
  } else if (!server_->bind_to_port(bind.host, bind.port)) {
    port = -1;
  }
  if (port <= 0) {
    return UnavailableError("cannot listen on " + options_.bind_address);
  }
  port_ = static_cast<std::uint16_t>(port);
  listener_ = std::jthread([this] { server_->listen_after_bind(); });
  if (running_future.wait_for(kStartTimeout) != std::future_status::ready) {
    return InternalError("HTTP server on " + options_.bind_address + " did not start");
  }
  Log()->info(
      Fields("serving health and metrics", {{"host", bind.host}, {"port", std::to_string(port_)}}));
  return OkStatus();
}

void HttpServer::Stop() {
  std::lock_guard lock(mu_);
  if (!listener_.joinable()) {
    return;
  }
  // Closes the listening socket; the accept loop ends, then the pool is
  // drained and joined inside listen_after_bind.
  server_->stop();
  listener_.join();
  Log()->info(Fields("stopped serving", {{"port", std::to_string(port_)}}));
}

std::uint16_t HttpServer::port() const {
  std::lock_guard lock(mu_);
  return port_;
}

}  // namespace drs::runtime
