// dr-syncer-agent: the node agent's binary. One program, several roles:
//   run         the DaemonSet container: supervises a locked-down sshd
//   rsync-gate  sshd's forced command for every key (docs/agent.md)
//   pull        the mover Job's container: rsync from an agent (docs/mover.md)
//   version     prints the version
// Each subcommand is a thin layer over src/agent or src/mover.

#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>

#include "agent/gate_command.h"
#include "agent/run_command.h"
#include "cmd/signals.h"
#include "mover/pull_command.h"

namespace {

constexpr const char* kVersion = DRS_VERSION;
// The agent stops sshd within its own --shutdown-grace (5 s by default);
// this bounds the whole shutdown below Kubernetes' default 30 s.
constexpr std::chrono::seconds kShutdownGrace{20};

int Usage() {
  std::fprintf(stderr,
               "usage: dr-syncer-agent <command> [flags]\n"
               "commands:\n"
               "  run         supervise sshd and serve rsync pulls of this node's volumes\n"
               "  rsync-gate  the forced command sshd runs for every key\n"
               "  pull        copy a volume from a node's agent (the mover Job)\n"
               "  version     print the version\n");
  return 2;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return Usage();
  const std::string command = argv[1];
  if (command == "run") {
    drs::cmd::SignalStopper stopper(kShutdownGrace);
    return drs::agent::RunAgentCommand(argc - 1, argv + 1, stopper.token());
  }
  if (command == "rsync-gate") return drs::agent::RunGateCommand(argc - 1, argv + 1, kVersion);
  // pull handles SIGTERM itself (rsync must keep its partial file): no
  // SignalStopper here.
  if (command == "pull") return drs::mover::RunPullCommand(argc - 1, argv + 1);
  if (command == "version" || command == "--version") {
    std::printf("dr-syncer-agent %s\n", kVersion);
    return 0;
  }
  return Usage();
}
