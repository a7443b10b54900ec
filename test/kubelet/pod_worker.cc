#include "kubelet/pod_worker.h"

#include "base/logging.h"
#include "base/rfc3339.h"
#include "kube/object.h"
#include "kubelet/pod_status.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const kubeclient::Gvr kPods{"", "v1", "pods"};
// How often a pod waiting for something we do not watch (a hostPath to
// appear) or being killed is looked at again.
constexpr auto kRetrySoon = std::chrono::seconds(1);
constexpr std::int64_t kDefaultGraceSeconds = 30;

std::string NodeNameOf(const json& pod) {
  const json spec = pod.value("spec", json::object());
  auto it = spec.find("nodeName");
  return it != spec.end() && it->is_string() ? it->get<std::string>() : "";
}

std::string ApiPhase(const json& pod) {
  const json status = pod.value("status", json::object());
  auto it = status.find("phase");
  return it != status.end() && it->is_string() ? it->get<std::string>() : "";
}

std::chrono::seconds GracePeriod(const json& pod) {
  const json meta = pod.value("metadata", json::object());
  if (auto it = meta.find("deletionGracePeriodSeconds"); it != meta.end() && it->is_number()) {
    return std::chrono::seconds(std::max<std::int64_t>(0, it->get<std::int64_t>()));
  }
  const json spec = pod.value("spec", json::object());
  if (auto it = spec.find("terminationGracePeriodSeconds"); it != spec.end() && it->is_number()) {
    return std::chrono::seconds(std::max<std::int64_t>(0, it->get<std::int64_t>()));
  }
  return std::chrono::seconds(kDefaultGraceSeconds);
}

// What the bed cannot run at all: the pod fails with this reason.
std::string UnsupportedReason(const json& pod) {
  const json spec = pod.value("spec", json::object());
  for (const auto& c : spec.value("initContainers", json::array())) {
    if (c.value("restartPolicy", "") == "Always") {
      return "init container \"" + c.value("name", "") +
             "\" is a sidecar (restartPolicy Always), which the process kubelet does not run";
    }
  }
  if (spec.value("containers", json::array()).empty()) return "the pod has no containers";
  return "";
}

runtime::ReconcileResult RequeueAt(Clock& clock, std::optional<Clock::TimePoint> when) {
  if (!when) return {};
  const auto now = clock.Now();
  return {.requeue_after = *when > now ? *when - now : Clock::Duration::zero()};
}

std::optional<Clock::TimePoint> Earliest(std::optional<Clock::TimePoint> a,
                                         std::optional<Clock::TimePoint> b) {
  if (!a) return b;
  if (!b) return a;
  return std::min(*a, *b);
}

}  // namespace

PodWorker::PodWorker(kubeclient::DynamicClient& client, const runtime::Store& pods,
                     const NodeManager& nodes, const ObjectLookup& lookup, VolumeManager& volumes,
                     ProcessMonitor& monitor, Clock& clock, ContainerConfig config)
    : client_(client),
      pods_(pods),
      nodes_(nodes),
      volumes_(volumes),
      clock_(clock),
      containers_(lookup, monitor, clock, std::move(config)) {}

PodWorker::~PodWorker() = default;

bool PodWorker::IsOurs(const json& pod) const { return nodes_.Find(NodeNameOf(pod)) != nullptr; }

PodRuntime* PodWorker::Find(const std::string& key) {
  std::lock_guard lock(mu_);
  auto it = runtimes_.find(key);
  return it == runtimes_.end() ? nullptr : it->second.get();
}

PodRuntime& PodWorker::Adopt(const std::string& key, const json& pod, const NodeEntry& node) {
  auto rt = std::make_unique<PodRuntime>();
  rt->uid = kube::Uid(pod);
  rt->node = node.description.name;
  rt->host_ip = node.description.ip;
  const json status = pod.value("status", json::object());
  rt->start_time = ParseRfc3339(status.value("startTime", "")).value_or(clock_.WallNow());
  containers_.InitFromStatus(pod, *rt);
  std::lock_guard lock(mu_);
  auto& slot = runtimes_[key];
  slot = std::move(rt);
  return *slot;
}

Status PodWorker::Forget(const std::string& key) {
  PodRuntime* rt = Find(key);
  if (rt == nullptr) return OkStatus();
  rt->terminating = true;
  containers_.KillAll(json::object(), *rt);
  if (const NodeEntry* node = nodes_.Find(rt->node)) {
    DRS_RETURN_IF_ERROR(volumes_.RemovePod(rt->uid, node->layout));
  }
  GetLogger("process-kubelet")->info(Fields("pod forgotten", {{"pod", key}, {"uid", rt->uid}}));
  std::lock_guard lock(mu_);
  runtimes_.erase(key);
  return OkStatus();
}

Result<runtime::ReconcileResult> PodWorker::Reconcile(const std::string& key,
                                                      std::stop_token stop) {
  const runtime::ObjectPtr pod = pods_.Get(key);
  PodRuntime* rt = Find(key);
  if (!pod || !IsOurs(*pod) || (rt != nullptr && rt->uid != kube::Uid(*pod))) {
    // Gone, or replaced by a pod of the same name: stop what ran, clean up.
    DRS_RETURN_IF_ERROR(Forget(key));
    if (!pod || !IsOurs(*pod)) return runtime::ReconcileResult{};
    rt = nullptr;
  }
  const NodeEntry& node = *nodes_.Find(NodeNameOf(*pod));
  if (rt == nullptr) rt = &Adopt(key, *pod, node);
  try {
    if (kube::IsBeingDeleted(*pod)) return Terminate(key, *pod, *rt, node, stop);
    if (IsTerminalPhase(ApiPhase(*pod))) return Finish(*pod, *rt, node, stop);
    if (rt->failure_reason.empty()) {
      if (std::string why = UnsupportedReason(*pod); !why.empty()) {
        rt->failure_reason = "UnsupportedPodSpec";
        rt->failure_message = why;
      }
    }
    return Sync(key, *pod, *rt, node, stop);
  } catch (const nlohmann::json::exception& e) {
    // A spec shape we did not expect: the pod fails, the kubelet carries on.
    containers_.KillAll(*pod, *rt);
    rt->failure_reason = "UnsupportedPodSpec";
    rt->failure_message = std::string("the process kubelet cannot read this pod: ") + e.what();
    return Finish(*pod, *rt, node, stop);
  }
}

Result<runtime::ReconcileResult> PodWorker::Sync(const std::string& key, const json& pod,
                                                 PodRuntime& rt, const NodeEntry& node,
                                                 std::stop_token stop) {
  containers_.ReapExited(pod, rt);
  if (!rt.failure_reason.empty() || IsTerminalPhase(PodPhase(pod, rt))) {
    return Finish(pod, rt, node, stop);
  }
  const bool host_network = pod.value("spec", json::object()).value("hostNetwork", false);
  const PodContext context{.node_name = node.description.name,
                           .host_ip = node.description.ip,
                           .pod_ip = node.description.ip,
                           .hostname = host_network ? node.description.name : kube::Name(pod),
                           .node_cpu = node.description.cpu,
                           .node_memory = node.description.memory};
  auto volumes = volumes_.SetUp(pod, node.layout, context);
  if (!volumes.ok()) {
    if (volumes.error().code() == ErrorCode::kInvalid) {
      containers_.KillAll(pod, rt);
      rt.failure_reason = "UnsupportedVolume";
      rt.failure_message = volumes.error().ToString();
      return Finish(pod, rt, node, stop);
    }
    // Waiting for a Secret, a claim's binding, a hostPath: say so and retry.
    rt.volumes_ready = false;
    for (auto& c : rt.containers) {
      if (c.phase == ContainerPhase::kWaiting && !c.ever_started) {
        c.waiting_message = volumes.error().ToString();
      }
    }
    DRS_RETURN_IF_ERROR(WriteStatus(pod, rt, stop));
    return runtime::ReconcileResult{.requeue_after = kRetrySoon};
  }
  rt.volumes_ready = true;
  for (auto& c : rt.containers) {
    if (c.phase == ContainerPhase::kWaiting && !c.ever_started) c.waiting_message.clear();
  }
  auto next = containers_.Probe(pod, rt);
  containers_.ReapExited(pod, rt);  // a failed liveness probe may have killed one
  next = Earliest(next, containers_.StartDue(key, pod, rt, node, *volumes));
  if (IsTerminalPhase(PodPhase(pod, rt))) return Finish(pod, rt, node, stop);
  DRS_RETURN_IF_ERROR(WriteStatus(pod, rt, stop));
  return RequeueAt(clock_, next);
}

Result<runtime::ReconcileResult> PodWorker::Finish(const json& pod, PodRuntime& rt,
                                                   const NodeEntry& node, std::stop_token stop) {
  // A finished pod keeps its logs and status; its volumes go, as on a node.
  if (!rt.volumes_torn_down) {
    DRS_RETURN_IF_ERROR(volumes_.TearDown(rt.uid, node.layout));
    rt.volumes_torn_down = true;
  }
  if (!IsTerminalPhase(ApiPhase(pod))) DRS_RETURN_IF_ERROR(WriteStatus(pod, rt, stop));
  return runtime::ReconcileResult{};
}

Result<runtime::ReconcileResult> PodWorker::Terminate(const std::string& key, const json& pod,
                                                      PodRuntime& rt, const NodeEntry& node,
                                                      std::stop_token stop) {
  if (rt.delete_requested) return runtime::ReconcileResult{};
  auto log = GetLogger("process-kubelet");
  if (!rt.terminating) {
    rt.terminating = true;
    const auto grace = GracePeriod(pod);
    rt.kill_deadline = clock_.Now() + grace;
    containers_.TerminateAll(rt);
    log->info(
        Fields("stopping pod", {{"pod", key}, {"grace", std::to_string(grace.count()) + "s"}}));
  }
  containers_.ReapExited(pod, rt);
  if (PodContainers::AnyProcess(rt)) {
    if (clock_.Now() < rt.kill_deadline) {
      return runtime::ReconcileResult{
          .requeue_after = std::min<Clock::Duration>(rt.kill_deadline - clock_.Now(), kRetrySoon)};
    }
    log->info(Fields("grace period over, killing", {{"pod", key}}));
    containers_.KillAll(pod, rt);
  }
  containers_.FinalizeStates(rt);
  if (!rt.volumes_torn_down) {
    DRS_RETURN_IF_ERROR(volumes_.TearDown(rt.uid, node.layout));
    rt.volumes_torn_down = true;
  }
  if (Status s = WriteStatus(pod, rt, stop); !s.ok() && s.error().code() != ErrorCode::kNotFound) {
    return std::move(s).error();
  }
  kubeclient::DeleteOptions options{.precondition_uid = rt.uid, .grace_period_seconds = 0};
  Status deleted = client_.Delete(kPods, kube::Namespace(pod), kube::Name(pod), options, stop);
  if (!deleted.ok() && deleted.error().code() != ErrorCode::kNotFound &&
      deleted.error().code() != ErrorCode::kConflict) {
    return std::move(deleted).error().WithContext("deleting pod " + key);
  }
  rt.delete_requested = true;
  log->info(Fields("pod stopped and deleted", {{"pod", key}, {"phase", PodPhase(pod, rt)}}));
  return runtime::ReconcileResult{};
}

Status PodWorker::WriteStatus(const json& pod, const PodRuntime& rt, std::stop_token stop) {
  const json desired = PodStatusFor(pod, rt, clock_.WallNow());
  if (IsTerminalPhase(ApiPhase(pod)) && !IsTerminalPhase(desired.value("phase", ""))) {
    return OkStatus();  // the API never leaves a terminal phase
  }
  if (!StatusNeedsWrite(pod, desired)) return OkStatus();
  auto patched =
      client_.Patch(kPods, kube::Namespace(pod), kube::Name(pod), kubeclient::PatchType::kMerge,
                    {{"status", desired}}, {}, "status", stop);
  if (!patched.ok()) {
    return std::move(patched).error().WithContext("writing the status of pod " +
                                                  kube::KeyOf(pod).ToString());
  }
  return OkStatus();
}

void PodWorker::StopAll(std::chrono::milliseconds grace) {
  std::vector<std::string> keys;
  {
    std::lock_guard lock(mu_);
    for (auto& [key, rt] : runtimes_) {
      rt->terminating = true;
      containers_.TerminateAll(*rt);
      keys.push_back(key);
    }
  }
  const auto deadline = clock_.Now() + grace;
  for (;;) {
    bool any = false;
    {
      std::lock_guard lock(mu_);
      for (auto& [key, rt] : runtimes_) {
        containers_.ReapExited(json::object(), *rt);
        any = any || PodContainers::AnyProcess(*rt);
      }
    }
    if (!any || clock_.Now() >= deadline) break;
    clock_.SleepFor(std::chrono::milliseconds(50), {});  // poll interval while containers exit
  }
  auto log = GetLogger("process-kubelet");
  for (const auto& key : keys) {
    if (Status s = Forget(key); !s.ok()) {
      log->warn(Fields("cleaning up pod failed", {{"pod", key}, {"error", s.error().ToString()}}));
    }
  }
}

}  // namespace drs::kubelet
