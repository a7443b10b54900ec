#include "agent/run_command.h"

#include <cstdint>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <string>

#include "agent/agent_runner.h"
#include "base/clock.h"
#include "base/flags.h"
#include "base/logging.h"

namespace drs::agent {
namespace {

std::string EnvOr(const char* name, std::string fallback) {
  const char* value = std::getenv(name);
  return value != nullptr && *value != '\0' ? std::string(value) : std::move(fallback);
}

}  // namespace

int RunAgentCommand(int argc, char** argv, std::stop_token stop) {
  AgentOptions options;
  options.listen_address = EnvOr("NODE_IP", "");
  options.node_name = EnvOr("NODE_NAME", "");
  std::int64_t port = options.port;
  std::string log_level = "info";
  std::string log_format = "text";
  FlagSet flags("dr-syncer-agent run");
  flags.String("listen-address", &options.listen_address, "IP address sshd listens on ($NODE_IP)");
  flags.Int("port", &port, "TCP port sshd listens on");
  flags.String("host-key-dir", &options.host_key_dir, "directory with ssh_host_ed25519_key");
  flags.String("access-file", &options.access_file, "access.json: who may read what");
  flags.String("kubelet-pods-dir", &options.kubelet_pods_dir, "the kubelet's pods directory");
  flags.String("state-dir", &options.state_dir,
               "where sshd_config, authorized_keys, the host key copy and the audit log live");
  flags.String("health-address", &options.health_address, "host:port for /healthz and /readyz");
  flags.String("sshd", &options.sshd_binary, "the sshd program (absolute path)");
  flags.String("rsync", &options.rsync_binary, "the rsync program the gate runs");
  flags.String("agent-binary", &options.agent_binary,
               "the program sshd runs as the forced command (default: this program)");
  flags.String("node-name", &options.node_name, "this node's name ($NODE_NAME)");
  flags.String("sandbox", &options.sandbox,
               "auto or required: whether the gate may run rsync without Landlock");
  flags.Duration("poll-interval", &options.poll_interval,
                 "how often the access file and host key are re-read");
  flags.Duration("shutdown-grace", &options.shutdown_grace,
                 "how long sshd gets to exit on SIGTERM before it is killed");
  flags.String("log-level", &log_level, "trace, debug, info, warn, error");
  flags.String("log-format", &log_format, "text or json");
  auto positional = flags.Parse(argc, argv);
  if (!positional.ok() || !positional->empty()) {
    std::cerr << (positional.ok() ? std::string("unexpected arguments")
                                  : positional.error().ToString())
              << "\n"
              << flags.Usage();
    return 2;
  }
  auto format = ParseLogFormat(log_format);
  if (!format.ok() || !InitLogging(log_level, *format).ok()) {
    std::cerr << "bad --log-level or --log-format\n";
    return 2;
  }
  if (port <= 0 || port > std::numeric_limits<std::uint16_t>::max()) {
    std::cerr << "--port must be between 1 and 65535\n";
    return 2;
  }
  options.port = static_cast<std::uint16_t>(port);
  auto log = GetLogger("agent");
  AgentRunner runner(options, RealClock::Get());
  if (auto prepared = runner.Prepare(); !prepared.ok()) {
    log->error(Fields("cannot start the agent", {{"error", prepared.error().ToString()}}));
    return 1;
  }
  if (auto ran = runner.Run(stop); !ran.ok()) {
    log->error(Fields("agent failed", {{"error", ran.error().ToString()}}));
    return 1;
  }
  return 0;
}

}  // namespace drs::agent
