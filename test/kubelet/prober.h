#pragma once
// Prober: the kubelet's container probes — startup, readiness, liveness —
// with exec (the command runs inside the container's namespaces, through
// `drs-process-kubelet container-exec`), httpGet (plain or HTTPS without
// verification, named ports, headers) and tcpSocket handlers, and the
// usual initialDelaySeconds / periodSeconds / timeoutSeconds /
// successThreshold / failureThreshold. gRPC probes are not supported and
// count as passing (logged).
//
// Thread-safety: thread-safe (no state of its own); blocks for at most a
// probe's timeoutSeconds per probe run.

#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/clock.h"
#include "kubelet/pod_runtime.h"

namespace drs::kubelet {

struct ProbeOutcome {
  std::optional<Clock::TimePoint> next;  // when a probe of this container is due again
  bool kill = false;                     // liveness or startup failed: restart it
  std::string why;
};

class Prober {
 public:
  explicit Prober(std::string shim_binary) : shim_binary_(std::move(shim_binary)) {}

  // Runs the probes of `c` that are due at `now` and updates its state.
  ProbeOutcome RunDue(const nlohmann::json& container, ContainerRuntime& c,
                      const std::string& pod_ip, Clock::TimePoint now);

  // One probe run: true when it passed; `why` says what failed.
  bool RunOnce(const nlohmann::json& probe, const nlohmann::json& container, pid_t shim_pid,
               const std::string& pod_ip, std::string* why) const;

 private:
  const std::string shim_binary_;
};

// `container-exec`: runs argv inside the namespaces and root of the
// container whose shim is `shim_pid`, with the container's environment;
// returns its exit code (128+signal when killed).
int RunInContainer(pid_t shim_pid, const std::vector<std::string>& argv);

}  // namespace drs::kubelet
