// drs-process-kubelet: the test bed's kubelet for one cluster (docs/testbed.md,
// "Process kubelet"). Subcommands:
//   drs-process-kubelet [run] --kubeconfig F --cluster-dir D [--nodes N] ...
//   drs-process-kubelet container-shim --spec FILE        (started by run)
//   drs-process-kubelet container-exec --pid SHIM -- CMD  (exec probes)

#include <unistd.h>

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <string>
#include <string_view>
#include <vector>

#include "base/flags.h"
#include "base/logging.h"
#include "cmd/signals.h"
#include "kubelet/container_shim.h"
#include "kubelet/kubelet.h"
#include "kubelet/prober.h"

namespace {

// Longest a stop may take: every container's grace, then the API calls.
constexpr auto kStopBound = std::chrono::seconds(60);

std::string SelfExe() {
  std::vector<char> buf(PATH_MAX);
  const ssize_t n = ::readlink("/proc/self/exe", buf.data(), buf.size() - 1);
  return n > 0 ? std::string(buf.data(), static_cast<std::size_t>(n)) : std::string();
}

int Shim(int argc, char** argv) {
  if (argc != 4 || std::string_view(argv[2]) != "--spec") {
    std::fprintf(stderr, "usage: %s container-shim --spec FILE\n", argv[0]);
    return 2;
  }
  return drs::kubelet::RunContainerShim(argv[3]);
}

int Exec(int argc, char** argv) {
  if (argc < 6 || std::string_view(argv[2]) != "--pid" || std::string_view(argv[4]) != "--") {
    std::fprintf(stderr, "usage: %s container-exec --pid SHIM_PID -- COMMAND...\n", argv[0]);
    return 2;
  }
  return drs::kubelet::RunInContainer(std::atoi(argv[3]),
                                      std::vector<std::string>(argv + 5, argv + argc));
}

int Run(int argc, char** argv) {
  drs::kubelet::KubeletOptions o;
  o.agent_binary = DRS_AGENT_BINARY;
  o.shim_binary = SelfExe();
  std::int64_t nodes = o.nodes;
  std::int64_t workers = o.workers;
  std::string log_level = "info";
  std::string log_format = "text";
  drs::FlagSet flags("drs-process-kubelet");
  flags.String("kubeconfig", &o.kubeconfig, "admin kubeconfig of the cluster (required)");
  flags.String("cluster-dir", &o.cluster_dir,
               "the cluster's folder in the bed, <bed>/clusters/<name> (required)");
  flags.Int("nodes", &nodes, "how many nodes (node-1..N) to run");
  flags.String("node-ip-prefix", &o.node_ip_prefix, "node n's InternalIP is <prefix><n>");
  flags.String("agent-binary", &o.agent_binary,
               "the dr-syncer-agent that containers of dr-syncer-agent images run");
  flags.String("kubelet-version", &o.kubelet_version, "the version the Nodes report");
  flags.Int("workers", &workers, "pods synced in parallel");
  flags.Duration("shutdown-grace", &o.shutdown_grace,
                 "on stop, how long containers get between SIGTERM and SIGKILL");
  flags.Bool("keep-nodes", &o.keep_nodes, "leave the Node objects in place on stop");
  flags.String("log-level", &log_level, "trace, debug, info, warn, error");
  flags.String("log-format", &log_format, "text or json");
  auto rest = flags.Parse(argc, argv);
  if (!rest.ok() || !rest->empty() || o.kubeconfig.empty() || o.cluster_dir.empty() || nodes < 1 ||
      nodes > 250 || workers < 1) {
    std::cerr << (rest.ok() ? std::string("--kubeconfig and --cluster-dir are required; "
                                          "--nodes is 1..250")
                            : rest.error().ToString())
              << "\n"
              << flags.Usage();
    return 2;
  }
  o.nodes = static_cast<int>(nodes);
  o.workers = static_cast<int>(workers);
  auto format = drs::ParseLogFormat(log_format);
  if (!format.ok() || !drs::InitLogging(log_level, *format).ok()) {
    std::cerr << "bad --log-level or --log-format\n";
    return 2;
  }
  drs::cmd::SignalStopper stopper(o.shutdown_grace + kStopBound);
  drs::Status ran = drs::kubelet::RunKubelet(o, stopper.token());
  if (!ran.ok()) {
    drs::GetLogger("process-kubelet")
        ->error(drs::Fields("exiting", {{"error", ran.error().ToString()}}));
    return 1;
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  const std::string_view command = argc > 1 ? argv[1] : "";
  if (command == "container-shim") return Shim(argc, argv);
  if (command == "container-exec") return Exec(argc, argv);
  if (command == "run") return Run(argc - 1, argv + 1);
  return Run(argc, argv);
}
