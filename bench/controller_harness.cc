#include "controller_harness.h"

#include <fstream>
#include <thread>

#include "base/base64.h"
#include "bench_support.h"
#include "kube/object.h"
#include "sync_objects.h"

namespace drs::bench {
namespace {

using nlohmann::json;
using Clock = std::chrono::steady_clock;
const kube::GroupVersionResource kReplications{"dr-syncer.io", "v1alpha1", "replications"};
const kube::GroupVersionResource kRemoteClusters{"dr-syncer.io", "v1alpha1", "remoteclusters"};
constexpr auto kPoll = std::chrono::milliseconds(100);
// A first sync of 10,000 objects takes tens of seconds on the bed.
constexpr auto kSyncTimeout = std::chrono::minutes(5);
// Far above what the bed serves: the controller's token bucket is not measured.
constexpr double kUnthrottledQps = 100000;

}  // namespace

bool ControllerHarness::PollFor(const std::function<bool()>& done, Clock::duration timeout,
                                std::int64_t* max_rss) const {
  const auto deadline = Clock::now() + timeout;
  while (!done()) {
    if (max_rss) *max_rss = std::max(*max_rss, ProcessMemory(pid_).rss);
    if (Clock::now() > deadline) return false;
    std::this_thread::sleep_for(kPoll);  // polling the API server with a deadline
  }
  return true;
}

Status ControllerHarness::ConnectDestination(const std::string& dr_kubeconfig) {
  std::ifstream in(dr_kubeconfig);
  const std::string kubeconfig((std::istreambuf_iterator<char>(in)), {});
  const json secret = {{"apiVersion", "v1"},
                       {"kind", "Secret"},
                       {"metadata", {{"name", "dr-kc"}, {"namespace", ns_}}},
                       {"data", {{"kubeconfig", Base64Encode(kubeconfig)}}}};
  DRS_RETURN_IF_ERROR(ToStatus(source_.Create(kSecrets, ns_, secret)));
  const json rc = {{"apiVersion", "dr-syncer.io/v1alpha1"},
                   {"kind", "RemoteCluster"},
                   {"metadata", {{"name", "dr"}, {"namespace", ns_}}},
                   {"spec",
                    {{"kubeconfigSecretRef", {{"name", "dr-kc"}}},
                     {"qps", kUnthrottledQps},
                     {"burst", static_cast<int>(kUnthrottledQps)}}}};
  DRS_RETURN_IF_ERROR(ToStatus(source_.Create(kRemoteClusters, ns_, rc)));
  const bool ready = PollFor(
      [&] {
        auto got = source_.Get(kRemoteClusters, ns_, "dr");
        if (!got.ok()) return false;
        for (const auto& c :
             got->value("status", json::object()).value("conditions", json::array())) {
          if (c.value("type", "") == "Ready" && c.value("status", "") == "True") return true;
        }
        return false;
      },
      kSyncTimeout);
  return ready ? OkStatus() : DeadlineExceededError("RemoteCluster dr never became Ready");
}

Status ControllerHarness::Pause(const std::string& src_ns) {
  auto r = source_.Patch(kReplications, ns_, Name(src_ns), kubeclient::PatchType::kMerge,
                         {{"spec", {{"paused", true}}}});
  if (!r.ok() && r.error().code() != ErrorCode::kNotFound) return std::move(r).error();
  return OkStatus();
}

Result<json> ControllerHarness::Activate(const std::string& src_ns, const std::string& debounce,
                                         std::int64_t* max_rss) {
  for (const auto& other : replicated_) {
    if (other != src_ns) DRS_RETURN_IF_ERROR(Pause(other));  // only this one runs
  }
  const json spec = {{"sourceCluster", ""},
                     {"destinationCluster", "dr"},
                     {"sourceNamespace", src_ns},
                     {"destinationNamespace", src_ns + "-dr"},
                     {"replicationMode", "Continuous"},
                     {"paused", false},
                     {"continuous", {{"debounce", debounce}}}};
  if (replicated_.count(src_ns)) {
    DRS_RETURN_IF_ERROR(ToStatus(source_.Patch(kReplications, ns_, Name(src_ns),
                                               kubeclient::PatchType::kMerge, {{"spec", spec}})));
  } else {
    DRS_RETURN_IF_ERROR(
        ToStatus(source_.Create(kReplications, ns_,
                                {{"apiVersion", "dr-syncer.io/v1alpha1"},
                                 {"kind", "Replication"},
                                 {"metadata", {{"name", Name(src_ns)}, {"namespace", ns_}}},
                                 {"spec", spec}})));
    replicated_.insert(src_ns);
  }
  json status;
  const bool synced = PollFor(
      [&] {
        auto r = source_.Get(kReplications, ns_, Name(src_ns));
        if (!r.ok()) return false;
        status = r->value("status", json::object());
        return status.value("observedGeneration", 0) == kube::Generation(*r) &&
               status.contains("lastSyncTime") &&
               status.value("counts", json::object()).value("total", 0) > 0;
      },
      kSyncTimeout, max_rss);
  if (!synced) return DeadlineExceededError("Replication " + Name(src_ns) + " never synced");
  if (status.value("phase", "") != "Synced") return InternalError("sync failed: " + status.dump());
  return status;
}

}  // namespace drs::bench
