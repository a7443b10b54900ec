#include "kubelet/scheduler.h"

#include "base/logging.h"
#include "base/rfc3339.h"
#include "kube/object.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const kubeclient::Gvr kPods{"", "v1", "pods"};
constexpr auto kUnschedulableRetry = std::chrono::seconds(2);

}  // namespace

bool Scheduler::WantsScheduling(const json& pod) {
  const json spec = pod.value("spec", json::object());
  const std::string scheduler = spec.value("schedulerName", std::string("default-scheduler"));
  return spec.value("nodeName", std::string()).empty() && !kube::IsBeingDeleted(pod) &&
         (scheduler.empty() || scheduler == "default-scheduler");
}

Result<runtime::ReconcileResult> Scheduler::Reconcile(const std::string& key,
                                                      std::stop_token stop) {
  const runtime::ObjectPtr pod = pods_.Get(key);
  if (!pod || !WantsScheduling(*pod)) return runtime::ReconcileResult{};
  std::vector<NodeInfo> infos;
  for (const auto& n : nodes_.nodes()) infos.push_back(n.info);
  auto feasible = FeasibleNodes(*pod, infos, lookup_);
  if (!feasible.ok()) {
    DRS_RETURN_IF_ERROR(MarkUnschedulable(*pod, feasible.error().message(), stop));
    return runtime::ReconcileResult{.requeue_after = kUnschedulableRetry};
  }
  const std::string node = (*feasible)[next_++ % feasible->size()];
  const std::string ns = kube::Namespace(*pod);
  const std::string name = kube::Name(*pod);
  const json binding = {{"apiVersion", "v1"},
                        {"kind", "Binding"},
                        {"metadata", {{"name", name}, {"uid", kube::Uid(*pod)}}},
                        {"target", {{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node}}}};
  DRS_ASSIGN_OR_RETURN(const std::string path, kube::ResourcePath(kPods, ns, name, "binding"));
  auto sent = client_.rest().Send({.verb = "POST", .path = path, .body = binding.dump()}, stop);
  if (!sent.ok()) {
    // Already bound (by us, a moment ago) or gone: nothing left to do.
    const auto code = sent.error().code();
    if (code == ErrorCode::kConflict || code == ErrorCode::kNotFound) {
      return runtime::ReconcileResult{};
    }
    return std::move(sent).error().WithContext("binding pod " + key + " to " + node);
  }
  GetLogger("process-kubelet")->info(Fields("pod scheduled", {{"pod", key}, {"node", node}}));
  return runtime::ReconcileResult{};
}

Status Scheduler::MarkUnschedulable(const json& pod, const std::string& message,
                                    std::stop_token stop) {
  const json status = pod.value("status", json::object());
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") == "PodScheduled" && c.value("status", "") == "False" &&
        c.value("message", "") == message) {
      return OkStatus();  // already says so
    }
  }
  json conditions = json::array();
  for (const auto& c : status.value("conditions", json::array())) {
    if (c.value("type", "") != "PodScheduled") conditions.push_back(c);
  }
  conditions.push_back({{"type", "PodScheduled"},
                        {"status", "False"},
                        {"reason", "Unschedulable"},
                        {"message", message},
                        {"lastTransitionTime", FormatRfc3339(clock_.WallNow())}});
  auto patched = client_.Patch(
      kPods, kube::Namespace(pod), kube::Name(pod), kubeclient::PatchType::kMerge,
      {{"status", {{"phase", "Pending"}, {"conditions", conditions}}}}, {}, "status", stop);
  if (!patched.ok() && patched.error().code() != ErrorCode::kNotFound) {
    return std::move(patched).error();
  }
  GetLogger("process-kubelet")
      ->info(Fields("pod unschedulable", {{"pod", kube::KeyOf(pod).ToString()}, {"why", message}}));
  return OkStatus();
}

}  // namespace drs::kubelet
