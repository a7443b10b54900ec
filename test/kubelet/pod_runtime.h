#pragma once
// What the kubelet knows about one pod it runs: per container, the state
// Kubernetes reports (waiting / running / terminated, the previous
// instance's termination, restarts, readiness) and the process behind it.
// PodStatusFor (pod_status.h) turns this into the pod's API status.
//
// Thread-safety: none; a pod's runtime is only touched by the worker that
// holds the pod's key (the work queue never hands a key to two workers).

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "base/clock.h"
#include "kubelet/container_process.h"

namespace drs::kubelet {

enum class ContainerPhase { kWaiting, kRunning, kTerminated };

struct Termination {
  int exit_code = 0;
  int signal = 0;       // the signal that ended the process, 0 if it exited
  std::string reason;   // Completed, Error, StartError, ContainerStatusUnknown
  std::string message;  // the termination message
  Clock::WallTime started_at{};
  Clock::WallTime finished_at{};
  std::string container_id;
};

struct ProbeState {
  int successes = 0;
  int failures = 0;
  bool ok = false;
  Clock::TimePoint next{};  // when to probe again (monotonic)
};

struct ContainerRuntime {
  std::string name;
  std::string image;
  bool is_init = false;
  bool held = false;  // an image with no process: Running until deleted

  ContainerPhase phase = ContainerPhase::kWaiting;
  std::string waiting_reason = "ContainerCreating";
  std::string waiting_message;
  Clock::WallTime started_at{};        // of the running instance
  Clock::TimePoint started_mono{};     // the same, for probe delays
  std::optional<Termination> current;  // set when phase == kTerminated
  std::optional<Termination> last;     // the previous instance (lastState)
  int restart_count = 0;
  bool ever_started = false;
  std::string container_id;  // process-kubelet://<pod-uid>/<name>/<restart>

  // Probes: started = startup probe passed; ready = readiness probe passed.
  ProbeState startup;
  ProbeState readiness;
  ProbeState liveness;

  // Restarts wait until this time (CrashLoopBackOff); attempt counts them.
  Clock::TimePoint restart_at{};
  std::uint32_t backoff_attempt = 0;

  // The running instance's termination-message file on this machine.
  std::string termination_log;
  std::unique_ptr<ContainerProcess> process;  // null unless a process runs
};

struct PodRuntime {
  std::string uid;
  std::string node;
  std::string host_ip;
  Clock::WallTime start_time{};
  std::vector<ContainerRuntime> init_containers;
  std::vector<ContainerRuntime> containers;
  bool volumes_ready = false;
  // A pod the kubelet cannot run at all is Failed with this reason.
  std::string failure_reason;
  std::string failure_message;
  // Deletion in progress: SIGTERM sent, SIGKILL at kill_deadline.
  bool terminating = false;
  Clock::TimePoint kill_deadline{};
  bool volumes_torn_down = false;
  bool delete_requested = false;  // the final delete (grace 0) was sent
};

}  // namespace drs::kubelet
