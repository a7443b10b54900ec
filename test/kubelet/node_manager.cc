#include "kubelet/node_manager.h"

#include <sys/utsname.h>

#include "base/logging.h"
#include "kube/object.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;

const kubeclient::Gvr kNodes{"", "v1", "nodes"};
const kubeclient::Gvr kLeases{"coordination.k8s.io", "v1", "leases"};

std::string KernelVersion() {
  utsname u{};
  return ::uname(&u) == 0 ? u.release : "unknown";
}

}  // namespace

NodeManager::NodeManager(kubeclient::DynamicClient& client, Clock& clock,
                         NodeManagerOptions options)
    : client_(client), clock_(clock), options_(std::move(options)) {
  for (int n = 1; n <= options_.count; ++n) {
    const std::string name = "node-" + std::to_string(n);
    NodeLayout layout(options_.cluster_dir, name);
    NodeDescription d{.name = name,
                      .ip = options_.ip_prefix + std::to_string(n),
                      .root_dir = layout.Root(),
                      .kubelet_version = options_.kubelet_version,
                      .kernel_version = KernelVersion()};
    const json object = NodeObject(d, clock_.WallNow());
    nodes_.push_back({.description = d, .layout = layout, .info = {name, kube::Labels(object)}});
  }
}

const NodeEntry* NodeManager::Find(const std::string& name) const {
  for (const auto& n : nodes_) {
    if (n.description.name == name) return &n;
  }
  return nullptr;
}

Status NodeManager::RegisterOne(const NodeEntry& node, std::stop_token stop) {
  const json desired = NodeObject(node.description, clock_.WallNow());
  auto created = client_.Create(kNodes, "", desired, {}, stop);
  std::string uid;
  if (created.ok()) {
    uid = kube::Uid(*created);
  } else if (created.error().code() == ErrorCode::kAlreadyExists) {
    // Left by an earlier run: take it over (labels, annotation, schedulable).
    const json patch = {{"metadata",
                         {{"labels", desired["metadata"]["labels"]},
                          {"annotations", desired["metadata"]["annotations"]}}},
                        {"spec", {{"unschedulable", nullptr}, {"taints", nullptr}}}};
    DRS_ASSIGN_OR_RETURN(const json updated,
                         client_.Patch(kNodes, "", node.description.name,
                                       kubeclient::PatchType::kMerge, patch, {}, "", stop));
    uid = kube::Uid(updated);
  } else {
    return std::move(created).error();
  }
  DRS_RETURN_IF_ERROR(PostStatus(node, stop));
  const json lease = NodeLease(node.description, uid, options_.lease_seconds, clock_.WallNow());
  auto made = client_.Create(kLeases, kNodeLeaseNamespace, lease, {}, stop);
  if (!made.ok() && made.error().code() != ErrorCode::kAlreadyExists)
    return std::move(made).error();
  if (!made.ok()) DRS_RETURN_IF_ERROR(RenewLease(node, stop));
  return OkStatus();
}

Status NodeManager::Register(std::stop_token stop) {
  auto log = GetLogger("process-kubelet");
  for (const auto& node : nodes_) {
    DRS_RETURN_IF_ERROR(RegisterOne(node, stop));
    log->info(Fields("node registered", {{"node", node.description.name},
                                         {"ip", node.description.ip},
                                         {"root", node.description.root_dir}}));
  }
  return OkStatus();
}

Status NodeManager::RenewLease(const NodeEntry& node, std::stop_token stop) {
  const json patch = {{"spec",
                       {{"holderIdentity", node.description.name},
                        {"leaseDurationSeconds", options_.lease_seconds},
                        {"renewTime", FormatMicroTime(clock_.WallNow())}}}};
  auto patched = client_.Patch(kLeases, kNodeLeaseNamespace, node.description.name,
                               kubeclient::PatchType::kMerge, patch, {}, "", stop);
  if (patched.ok()) return OkStatus();
  if (patched.error().code() != ErrorCode::kNotFound) return std::move(patched).error();
  // Deleted (by hand, or by GC with an old Node): make it again.
  auto node_obj = client_.Get(kNodes, "", node.description.name, stop);
  const std::string uid = node_obj.ok() ? kube::Uid(*node_obj) : "";
  auto made = client_.Create(
      kLeases, kNodeLeaseNamespace,
      NodeLease(node.description, uid, options_.lease_seconds, clock_.WallNow()), {}, stop);
  if (!made.ok()) return std::move(made).error();
  return OkStatus();
}

Status NodeManager::PostStatus(const NodeEntry& node, std::stop_token stop) {
  const json patch = {{"status", NodeStatus(node.description, clock_.WallNow())}};
  auto patched = client_.Patch(kNodes, "", node.description.name, kubeclient::PatchType::kMerge,
                               patch, {}, "status", stop);
  if (!patched.ok()) return std::move(patched).error();
  return OkStatus();
}

void NodeManager::Run(std::stop_token stop) {
  auto log = GetLogger("process-kubelet");
  auto next_status = clock_.Now() + options_.status_heartbeat;
  while (clock_.SleepFor(options_.lease_renew, stop)) {
    const bool post_status = clock_.Now() >= next_status;
    if (post_status) next_status = clock_.Now() + options_.status_heartbeat;
    for (const auto& node : nodes_) {
      Status s = RenewLease(node, stop);
      if (s.ok() && post_status) s = PostStatus(node, stop);
      if (!s.ok()) {
        log->warn(Fields("node heartbeat failed",
                         {{"node", node.description.name}, {"error", s.error().ToString()}}));
      }
    }
  }
}

Status NodeManager::Unregister() {
  auto log = GetLogger("process-kubelet");
  Status result;
  for (const auto& node : nodes_) {
    for (const auto& [gvr, ns] :
         {std::pair{kLeases, std::string(kNodeLeaseNamespace)}, std::pair{kNodes, std::string()}}) {
      Status s = client_.Delete(gvr, ns, node.description.name);
      if (!s.ok() && s.error().code() != ErrorCode::kNotFound && result.ok()) result = s;
    }
    log->info(Fields("node removed", {{"node", node.description.name}}));
  }
  return result;
}

}  // namespace drs::kubelet
