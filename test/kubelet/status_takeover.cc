#include "kubelet/status_takeover.h"

#include <optional>

#include "base/rfc3339.h"
#include "kubelet/restart_policy.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

std::string Str(const json& obj, const char* key) {
  auto it = obj.find(key);
  return it != obj.end() && it->is_string() ? it->get<std::string>() : std::string();
}

Clock::WallTime TimeOr(const json& obj, const char* key, Clock::WallTime fallback) {
  return ParseRfc3339(Str(obj, key)).value_or(fallback);
}

std::optional<Termination> TerminationFrom(const json& terminated, Clock::WallTime now) {
  if (!terminated.is_object()) return std::nullopt;
  return Termination{.exit_code = terminated.value("exitCode", 0),
                     .signal = terminated.value("signal", 0),
                     .reason = Str(terminated, "reason"),
                     .message = Str(terminated, "message"),
                     .started_at = TimeOr(terminated, "startedAt", now),
                     .finished_at = TimeOr(terminated, "finishedAt", now),
                     .container_id = Str(terminated, "containerID")};
}

void TakeOver(const json& status, const std::string& policy, Clock::WallTime now,
              ContainerRuntime& c) {
  c.restart_count = status.value("restartCount", 0);
  if (auto last = status.value("lastState", json::object()); last.contains("terminated")) {
    c.last = TerminationFrom(last["terminated"], now);
    c.ever_started = true;
  }
  const json state = status.value("state", json::object());
  std::optional<Termination> t;
  if (state.contains("running")) {
    t = Termination{.exit_code = 137,
                    .reason = "ContainerStatusUnknown",
                    .message =
                        "The container could not be located when the process kubelet "
                        "restarted",
                    .started_at = TimeOr(state["running"], "startedAt", now),
                    .finished_at = now};
  } else if (state.contains("terminated")) {
    t = TerminationFrom(state["terminated"], now);
  }
  if (!t) return;
  c.ever_started = true;
  if (ShouldRestart(policy, t->exit_code, c.is_init)) {
    c.last = t;  // waiting, due at once (restart_at is zero)
  } else {
    c.phase = ContainerPhase::kTerminated;
    c.current = t;
  }
}

}  // namespace

void TakeOverContainers(const json& pod, PodRuntime& rt, Clock::WallTime now) {
  const json spec = pod.value("spec", json::object());
  const json status = pod.value("status", json::object());
  const std::string policy = RestartPolicy(pod);
  for (const bool is_init : {true, false}) {
    const json statuses =
        status.value(is_init ? "initContainerStatuses" : "containerStatuses", json::array());
    for (const auto& c : spec.value(is_init ? "initContainers" : "containers", json::array())) {
      ContainerRuntime cr;
      cr.name = Str(c, "name");
      cr.image = Str(c, "image");
      cr.is_init = is_init;
      for (const auto& s : statuses) {
        if (s.is_object() && Str(s, "name") == cr.name) TakeOver(s, policy, now, cr);
      }
      (is_init ? rt.init_containers : rt.containers).push_back(std::move(cr));
    }
  }
}

}  // namespace drs::kubelet
