#pragma once
// PodContainers: the container half of the pod worker — starting a
// container (environment, argv, image rule, mounts, the shim), recording
// its exit (termination message, restart or not, CrashLoopBackOff), and
// taking over the container states of a pod an earlier kubelet ran.
//
// Container view (ShimSpec): the pod's volumeMounts (subPath and
// subPathExpr, readOnly, mountPropagation), the termination-message file at
// terminationMessagePath (default /dev/termination-log), files the image
// provides (image_rules.h), and a fresh /tmp and /run of its own: nodes
// share this machine, and two agents must not share /run.
//
// Thread-safety: stateless apart from its collaborators; a pod's runtime
// is used by one worker at a time.

#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "base/backoff.h"
#include "base/clock.h"
#include "kubelet/image_rules.h"
#include "kubelet/node_manager.h"
#include "kubelet/object_lookup.h"
#include "kubelet/pod_runtime.h"
#include "kubelet/prober.h"
#include "kubelet/process_monitor.h"
#include "kubelet/shim_spec.h"
#include "kubelet/volume_manager.h"

namespace drs::kubelet {

struct ContainerConfig {
  std::string cluster_dir;
  std::string shim_binary;   // drs-process-kubelet itself
  std::string agent_binary;  // what dr-syncer-agent images run
  BackoffPolicy restart_backoff{.initial = std::chrono::seconds(1),
                                .max = std::chrono::seconds(10),
                                .factor = 2.0,
                                .jitter = 0.0};
  // A container that ran this long before exiting restarts without delay.
  std::chrono::seconds backoff_reset{60};
};

class PodContainers {
 public:
  // REQUIRES: everything passed outlives this object.
  PodContainers(const ObjectLookup& lookup, ProcessMonitor& monitor, Clock& clock,
                ContainerConfig config)
      : lookup_(lookup),
        monitor_(monitor),
        clock_(clock),
        config_(std::move(config)),
        backoff_(config_.restart_backoff),
        prober_(config_.shim_binary) {}

  // Fills rt's containers from the spec, taking over what the API status
  // says about earlier instances (restart counts, terminations).
  void InitFromStatus(const nlohmann::json& pod, PodRuntime& rt) const;
  // Reaps every container that exited and records it.
  void ReapExited(const nlohmann::json& pod, PodRuntime& rt);
  // Starts what is due: the next init container, or (all init containers
  // done) every container not running whose backoff has passed. Returns
  // when the next delayed start is due.
  std::optional<Clock::TimePoint> StartDue(const std::string& key, const nlohmann::json& pod,
                                           PodRuntime& rt, const NodeEntry& node,
                                           const std::map<std::string, PreparedVolume>& volumes);
  // Runs the probes that are due; a failed liveness (or startup) probe
  // kills the container. Returns when the next probe is due.
  std::optional<Clock::TimePoint> Probe(const nlohmann::json& pod, PodRuntime& rt);

  void TerminateAll(PodRuntime& rt);                        // SIGTERM to every process
  void KillAll(const nlohmann::json& pod, PodRuntime& rt);  // SIGKILL, reap, record
  static bool AnyProcess(const PodRuntime& rt);
  // Containers that never (re)started become terminated, for a final status.
  void FinalizeStates(PodRuntime& rt) const;

 private:
  Status Start(const std::string& key, const nlohmann::json& pod, PodRuntime& rt,
               ContainerRuntime& c, const nlohmann::json& spec, const NodeEntry& node,
               const std::map<std::string, PreparedVolume>& volumes);
  // The shim's spec: mounts, and a fresh termination-message file, /tmp and /run.
  Result<ShimSpec> PrepareShim(const std::string& uid, ContainerRuntime& c,
                               const nlohmann::json& spec, const NodeEntry& node,
                               const std::map<std::string, PreparedVolume>& volumes,
                               const std::vector<EnvVar>& env, const ImageRule& rule, int instance,
                               std::vector<std::string> argv, const std::string& hostname);
  void MarkStarted(const std::string& uid, ContainerRuntime& c, const nlohmann::json& spec,
                   int instance);
  void RecordExit(const nlohmann::json& pod, PodRuntime& rt, ContainerRuntime& c, int code);
  void Postpone(ContainerRuntime& c, const std::string& reason, const std::string& message);

  const ObjectLookup& lookup_;
  ProcessMonitor& monitor_;
  Clock& clock_;
  const ContainerConfig config_;
  const ExponentialBackoff backoff_;
  Prober prober_;
};

// The spec (JSON) of the container or init container named `name`.
const nlohmann::json* ContainerSpec(const nlohmann::json& pod, const std::string& name,
                                    bool is_init);

}  // namespace drs::kubelet
