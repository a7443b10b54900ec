#include "kubelet/pod_status.h"

#include <set>

#include "base/rfc3339.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

constexpr const char* kOurConditions[] = {"PodReadyToStartContainers", "Initialized",
                                          "ContainersReady", "Ready"};

std::string RestartPolicy(const json& pod) {
  const json spec = pod.value("spec", json::object());
  const json policy = spec.value("restartPolicy", json("Always"));
  return policy.is_string() ? policy.get<std::string>() : "Always";
}

bool Ready(const ContainerRuntime& c) {
  return c.phase == ContainerPhase::kRunning && c.readiness.ok && c.startup.ok;
}

bool InitDone(const ContainerRuntime& c) {
  return c.phase == ContainerPhase::kTerminated && c.current && c.current->exit_code == 0;
}

json TerminationJson(const Termination& t) {
  json j = {{"exitCode", t.exit_code},
            {"startedAt", FormatRfc3339(t.started_at)},
            {"finishedAt", FormatRfc3339(t.finished_at)}};
  if (!t.reason.empty()) j["reason"] = t.reason;
  if (!t.message.empty()) j["message"] = t.message;
  if (t.signal != 0) j["signal"] = t.signal;
  if (!t.container_id.empty()) j["containerID"] = t.container_id;
  return j;
}

json ContainerStatusJson(const ContainerRuntime& c) {
  json state;
  switch (c.phase) {
    case ContainerPhase::kWaiting: {
      json waiting = {{"reason", c.waiting_reason}};
      if (!c.waiting_message.empty()) waiting["message"] = c.waiting_message;
      state = {{"waiting", std::move(waiting)}};
      break;
    }
    case ContainerPhase::kRunning:
      state = {{"running", {{"startedAt", FormatRfc3339(c.started_at)}}}};
      break;
    case ContainerPhase::kTerminated:
      state = {{"terminated", c.current ? TerminationJson(*c.current) : json::object()}};
      break;
  }
  json s = {
      {"name", c.name},
      {"image", c.image},
      {"imageID", ""},
      {"ready", Ready(c)},
      {"started", c.phase == ContainerPhase::kRunning && c.startup.ok},
      {"restartCount", c.restart_count},
      {"state", std::move(state)},
      {"lastState", c.last ? json{{"terminated", TerminationJson(*c.last)}} : json::object()}};
  if (!c.container_id.empty()) s["containerID"] = c.container_id;
  return s;
}

std::string Names(const std::vector<std::string>& names) {
  std::string out = "[";
  for (std::size_t i = 0; i < names.size(); ++i) out += (i ? " " : "") + names[i];
  return out + "]";
}

class Conditions {
 public:
  Conditions(const json& pod, Clock::WallTime now) : now_(now) {
    const json status = pod.value("status", json::object());
    existing_ = status.value("conditions", json::array());
  }
  void Set(const std::string& type, bool ok, const std::string& reason,
           const std::string& message) {
    // lastProbeTime null, as the API server returns it, so an unchanged
    // condition compares equal.
    json c = {{"type", type}, {"status", ok ? "True" : "False"}, {"lastProbeTime", nullptr}};
    if (!reason.empty()) c["reason"] = reason;
    if (!message.empty()) c["message"] = message;
    c["lastTransitionTime"] = FormatRfc3339(now_);
    for (const auto& old : existing_) {
      if (old.value("type", "") == type && old.value("status", "") == c["status"] &&
          old.contains("lastTransitionTime")) {
        c["lastTransitionTime"] = old["lastTransitionTime"];
      }
    }
    ours_.push_back(std::move(c));
  }
  bool ExistingTrue(const std::string& type) const {
    for (const auto& old : existing_) {
      if (old.value("type", "") == type) return old.value("status", "") == "True";
    }
    return false;
  }
  json Result() const {
    std::set<std::string> mine(std::begin(kOurConditions), std::end(kOurConditions));
    json out = json::array();
    for (const auto& old : existing_) {
      if (old.is_object() && !mine.contains(old.value("type", ""))) out.push_back(old);
    }
    for (const auto& c : ours_) out.push_back(c);
    return out;
  }

 private:
  Clock::WallTime now_;
  json existing_;
  std::vector<json> ours_;
};

}  // namespace

bool IsTerminalPhase(const std::string& phase) { return phase == "Succeeded" || phase == "Failed"; }

std::string PodPhase(const json& pod, const PodRuntime& rt) {
  if (!rt.failure_reason.empty()) return "Failed";
  const std::string policy = RestartPolicy(pod);
  bool init_pending = false;
  for (const auto& c : rt.init_containers) {
    if (InitDone(c)) continue;
    if (c.phase == ContainerPhase::kTerminated && (policy == "Never" || rt.terminating)) {
      return "Failed";
    }
    init_pending = true;
  }
  if (init_pending) return rt.terminating ? "Failed" : "Pending";
  int running = 0, waiting = 0, stopped = 0, succeeded = 0;
  for (const auto& c : rt.containers) {
    if (c.phase == ContainerPhase::kRunning) {
      ++running;
    } else if (c.phase == ContainerPhase::kTerminated) {
      ++stopped;
      if (c.current && c.current->exit_code == 0) ++succeeded;
    } else if (c.last) {  // waiting to be restarted
      ++stopped;
      if (c.last->exit_code == 0) ++succeeded;
    } else {
      ++waiting;
    }
  }
  if (rt.terminating && running == 0) {
    return waiting == 0 && succeeded == stopped ? "Succeeded" : "Failed";
  }
  if (waiting > 0) return "Pending";
  if (running > 0) return "Running";
  if (stopped == 0) return "Pending";
  if (policy == "Always") return "Running";
  if (succeeded == stopped) return "Succeeded";
  return policy == "Never" ? "Failed" : "Running";
}

json PodStatusFor(const json& pod, const PodRuntime& rt, Clock::WallTime now) {
  const std::string phase = PodPhase(pod, rt);
  const bool terminal = IsTerminalPhase(phase);
  json status = {{"phase", phase}};
  if (!rt.host_ip.empty()) {
    status["hostIP"] = rt.host_ip;
    status["hostIPs"] = json::array({{{"ip", rt.host_ip}}});
    status["podIP"] = rt.host_ip;
    status["podIPs"] = json::array({{{"ip", rt.host_ip}}});
  }
  if (rt.start_time != Clock::WallTime{}) status["startTime"] = FormatRfc3339(rt.start_time);
  if (!rt.failure_reason.empty()) {
    status["reason"] = rt.failure_reason;
    if (!rt.failure_message.empty()) status["message"] = rt.failure_message;
  }

  Conditions conditions(pod, now);
  conditions.Set("PodReadyToStartContainers", rt.volumes_ready && !terminal, "", "");
  std::vector<std::string> not_initialized;
  for (const auto& c : rt.init_containers) {
    if (!InitDone(c)) not_initialized.push_back(c.name);
  }
  if (not_initialized.empty()) {
    conditions.Set("Initialized", true, "", "");
  } else {
    conditions.Set("Initialized", false, "ContainersNotInitialized",
                   "containers with incomplete status: " + Names(not_initialized));
  }
  std::vector<std::string> not_ready;
  for (const auto& c : rt.containers) {
    if (!Ready(c)) not_ready.push_back(c.name);
  }
  bool gates_ok = true;
  const json gates = pod.value("spec", json::object()).value("readinessGates", json::array());
  for (const auto& g : gates) {
    gates_ok = gates_ok && conditions.ExistingTrue(g.value("conditionType", ""));
  }
  if (terminal) {
    conditions.Set("ContainersReady", false, "PodCompleted", "");
    conditions.Set("Ready", false, "PodCompleted", "");
  } else if (!not_ready.empty()) {
    const std::string message = "containers with unready status: " + Names(not_ready);
    conditions.Set("ContainersReady", false, "ContainersNotReady", message);
    conditions.Set("Ready", false, "ContainersNotReady", message);
  } else {
    conditions.Set("ContainersReady", true, "", "");
    if (gates_ok) {
      conditions.Set("Ready", true, "", "");
    } else {
      conditions.Set("Ready", false, "ReadinessGatesNotReady",
                     "the pod's readiness gates are not all True");
    }
  }
  status["conditions"] = conditions.Result();

  json init_statuses = json::array();
  for (const auto& c : rt.init_containers) init_statuses.push_back(ContainerStatusJson(c));
  if (!init_statuses.empty()) status["initContainerStatuses"] = std::move(init_statuses);
  json statuses = json::array();
  for (const auto& c : rt.containers) statuses.push_back(ContainerStatusJson(c));
  status["containerStatuses"] = std::move(statuses);
  return status;
}

bool StatusNeedsWrite(const json& pod, const json& desired) {
  const json current = pod.value("status", json::object());
  for (const auto& [key, value] : desired.items()) {
    auto it = current.find(key);
    if (it == current.end() || *it != value) return true;
  }
  return false;
}

}  // namespace drs::kubelet
