#include "kubelet/node_object.h"

#include <cstdio>
#include <ctime>

#include "base/rfc3339.h"

namespace drs::kubelet {

using nlohmann::json;

std::string FormatMicroTime(Clock::WallTime time) {
  const auto since = time.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const auto micros = std::chrono::duration_cast<std::chrono::microseconds>(since - secs).count();
  const std::time_t t = secs.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S", &tm);
  char frac[16];
  std::snprintf(frac, sizeof frac, ".%06lldZ", static_cast<long long>(micros));
  return std::string(buf) + frac;
}

json NodeStatus(const NodeDescription& node, Clock::WallTime now) {
  const std::string t = FormatRfc3339(now);
  const auto condition = [&](const char* type, const char* status, const char* reason,
                             const char* message) {
    return json{{"type", type},       {"status", status},       {"reason", reason},
                {"message", message}, {"lastHeartbeatTime", t}, {"lastTransitionTime", t}};
  };
  const json resources = {{"cpu", node.cpu},
                          {"memory", node.memory},
                          {"pods", node.pods},
                          {"ephemeral-storage", "100Gi"}};
  return {
      {"conditions", json::array({condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                                            "kubelet has sufficient memory available"),
                                  condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                                            "kubelet has no disk pressure"),
                                  condition("PIDPressure", "False", "KubeletHasSufficientPID",
                                            "kubelet has sufficient PID available"),
                                  condition("Ready", "True", "KubeletReady",
                                            "process kubelet is posting ready status")})},
      {"addresses", json::array({{{"type", "InternalIP"}, {"address", node.ip}},
                                 {{"type", "Hostname"}, {"address", node.name}}})},
      {"capacity", resources},
      {"allocatable", resources},
      {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
      {"nodeInfo",
       {{"machineID", node.name},
        {"systemUUID", node.name},
        {"bootID", node.name},
        {"kernelVersion", node.kernel_version},
        {"osImage", "dr-syncer test bed"},
        {"containerRuntimeVersion", "process-kubelet://1"},
        {"kubeletVersion", node.kubelet_version},
        {"kubeProxyVersion", ""},
        {"operatingSystem", "linux"},
        {"architecture", "amd64"}}}};
}

json NodeObject(const NodeDescription& node, Clock::WallTime now) {
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", node.name},
            {"labels",
             {{"kubernetes.io/hostname", node.name},
              {"kubernetes.io/os", "linux"},
              {"kubernetes.io/arch", "amd64"},
              {kManagedLabel, "true"}}},
            {"annotations", {{kRootDirAnnotation, node.root_dir}}}}},
          {"spec", json::object()},
          {"status", NodeStatus(node, now)}};
}

json NodeLease(const NodeDescription& node, const std::string& node_uid, int lease_seconds,
               Clock::WallTime now) {
  json lease = {{"apiVersion", "coordination.k8s.io/v1"},
                {"kind", "Lease"},
                {"metadata", {{"name", node.name}, {"namespace", kNodeLeaseNamespace}}},
                {"spec",
                 {{"holderIdentity", node.name},
                  {"leaseDurationSeconds", lease_seconds},
                  {"renewTime", FormatMicroTime(now)}}}};
  if (!node_uid.empty()) {
    lease["metadata"]["ownerReferences"] = json::array(
        {{{"apiVersion", "v1"}, {"kind", "Node"}, {"name", node.name}, {"uid", node_uid}}});
  }
  return lease;
}

}  // namespace drs::kubelet
