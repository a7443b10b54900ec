#include "kubelet/kubelet.h"

#include <filesystem>
#include <thread>

#include "base/logging.h"
#include "kube/object.h"
#include "kubeclient/kubeconfig.h"
#include "kubeclient/rest_client.h"
#include "kubelet/container_process.h"
#include "kubelet/host_mounts.h"
#include "kubelet/node_manager.h"
#include "kubelet/pod_references.h"
#include "kubelet/pod_worker.h"
#include "kubelet/process_monitor.h"
#include "kubelet/scheduler.h"
#include "kubelet/store_lookup.h"
#include "kubelet/volume_manager.h"
#include "runtime/controller.h"
#include "runtime/informer.h"
#include "runtime/key_func.h"

namespace drs::kubelet {
namespace {

using nlohmann::json;
using runtime::ObjectPtr;

const kubeclient::Gvr kPods{"", "v1", "pods"};
const kubeclient::Gvr kSecrets{"", "v1", "secrets"};
const kubeclient::Gvr kConfigMaps{"", "v1", "configmaps"};
const kubeclient::Gvr kClaims{"", "v1", "persistentvolumeclaims"};
const kubeclient::Gvr kVolumes{"", "v1", "persistentvolumes"};

// Re-delivers every pod now and then: a safety net for anything missed,
// and how downward API files follow label changes even without an event.
constexpr auto kPodResync = std::chrono::seconds(30);
constexpr auto kCacheSyncTimeout = std::chrono::minutes(2);
constexpr auto kRegisterRetry = std::chrono::seconds(1);

// Clears what a crashed kubelet left and makes each node root shared.
Status PrepareNodeRoots(const NodeManager& nodes) {
  auto log = GetLogger("process-kubelet");
  for (const auto& node : nodes.nodes()) {
    const int killed = KillLeftoverShims(node.layout.RuntimeDir());
    DRS_ASSIGN_OR_RETURN(const int unmounted, UnmountAllUnder(node.layout.Root()));
    if (killed > 0 || unmounted > 0) {
      log->info(Fields("cleaned up after an earlier kubelet",
                       {{"node", node.description.name},
                        {"shims_killed", std::to_string(killed)},
                        {"mounts_removed", std::to_string(unmounted)}}));
    }
    DRS_RETURN_IF_ERROR(MakeSharedMount(node.layout.Root()));
    // What every node has before its first pod (agents mount it as hostPath).
    std::error_code ec;
    std::filesystem::create_directories(node.layout.PodsDir(), ec);
    if (ec) return UnavailableError("cannot create " + node.layout.PodsDir() + ": " + ec.message());
  }
  return OkStatus();
}

void UnmountNodeRoots(const NodeManager& nodes) {
  auto log = GetLogger("process-kubelet");
  for (const auto& node : nodes.nodes()) {
    if (auto n = UnmountAllUnder(node.layout.Root()); !n.ok()) {
      log->warn(Fields("unmounting node root failed",
                       {{"node", node.description.name}, {"error", n.error().ToString()}}));
    }
  }
}

// The caches the kubelet reads: every pod (indexed by namespace), and what
// pods refer to.
struct Informers {
  Informers(kubeclient::DynamicClient& client, Clock& clock)
      : pods(client, clock, {.gvr = kPods}, kPodResync),
        secrets(client, clock, {.gvr = kSecrets}),
        config_maps(client, clock, {.gvr = kConfigMaps}),
        claims(client, clock, {.gvr = kClaims}),
        volumes(client, clock, {.gvr = kVolumes}) {}
  std::vector<runtime::Informer*> All() {
    return {&secrets, &config_maps, &claims, &volumes, &pods};
  }
  runtime::Informer pods;
  runtime::Informer secrets;
  runtime::Informer config_maps;
  runtime::Informer claims;
  runtime::Informer volumes;
};

// Pod events go to the scheduler (unbound pods) and the worker (ours); a
// change to something pods use wakes exactly those pods (a rotated Secret
// reaches their volumes at once; a bound claim unblocks scheduling).
void WireHandlers(Informers& informers, const PodWorker& worker, runtime::Controller& worker_ctl,
                  runtime::Controller& scheduler_ctl) {
  // Pointers, copied into every handler: they outlive this function.
  runtime::Controller* const to_worker = &worker_ctl;
  runtime::Controller* const to_scheduler = &scheduler_ctl;
  const PodWorker* const ours = &worker;
  const auto route = [=](const ObjectPtr& pod) {
    auto key = runtime::MetaNamespaceKeyFunc(*pod);
    if (!key.ok()) return;
    if (Scheduler::WantsScheduling(*pod)) to_scheduler->Enqueue(*key);
    if (ours->IsOurs(*pod)) to_worker->Enqueue(*key);
  };
  informers.pods.AddEventHandlers(
      {.on_add = [route](const ObjectPtr& p, bool) { route(p); },
       .on_update = [route](const ObjectPtr&, const ObjectPtr& p) { route(p); },
       .on_delete =
           [to_worker](const ObjectPtr& p) {
             if (auto key = runtime::MetaNamespaceKeyFunc(*p); key.ok()) to_worker->Enqueue(*key);
           }});
  const runtime::Store* const pods = &informers.pods.store();
  const auto wake = [route, pods](ReferenceKind kind, const ObjectPtr& obj) {
    for (const auto& key : ReferringPods(*pods, kind, *obj)) {
      if (auto pod = pods->Get(key)) route(pod);
    }
  };
  const auto handlers = [wake](ReferenceKind kind) {
    return runtime::EventHandlers{
        .on_add = [wake, kind](const ObjectPtr& obj, bool) { wake(kind, obj); },
        .on_update = [wake, kind](const ObjectPtr&, const ObjectPtr& obj) { wake(kind, obj); },
        .on_delete = [wake, kind](const ObjectPtr& obj) { wake(kind, obj); }};
  };
  informers.secrets.AddEventHandlers(handlers(ReferenceKind::kSecret));
  informers.config_maps.AddEventHandlers(handlers(ReferenceKind::kConfigMap));
  informers.claims.AddEventHandlers(handlers(ReferenceKind::kClaim));
  informers.volumes.AddEventHandlers(handlers(ReferenceKind::kVolume));
}

Status RegisterNodes(NodeManager& nodes, Clock& clock, std::stop_token stop) {
  for (;;) {
    Status registered = nodes.Register(stop);
    if (registered.ok()) return OkStatus();
    if (stop.stop_requested()) return CancelledError("stopped before the nodes were registered");
    GetLogger("process-kubelet")
        ->warn(Fields("registering nodes failed; retrying",
                      {{"error", registered.error().ToString()}}));
    clock.SleepFor(kRegisterRetry, stop);
  }
}

}  // namespace

Status RunKubelet(const KubeletOptions& o, std::stop_token stop) {
  auto log = GetLogger("process-kubelet");
  Clock& clock = RealClock::Get();
  DRS_ASSIGN_OR_RETURN(auto config, kubeclient::LoadKubeconfigFile(o.kubeconfig, ""));
  config.qps = 200;  // one client for many pods and nodes on a local API server
  config.burst = 400;
  config.user_agent = "drs-process-kubelet";
  DRS_ASSIGN_OR_RETURN(auto rest, kubeclient::RestClient::Create(std::move(config), clock));
  kubeclient::DynamicClient client(*rest);

  NodeManager nodes(client, clock,
                    {.cluster_dir = o.cluster_dir,
                     .count = o.nodes,
                     .ip_prefix = o.node_ip_prefix,
                     .kubelet_version = o.kubelet_version});
  DRS_RETURN_IF_ERROR(PrepareNodeRoots(nodes));
  DRS_RETURN_IF_ERROR(RegisterNodes(nodes, clock, stop));

  Informers informers(client, clock);
  DRS_RETURN_IF_ERROR(
      informers.pods.store().AddIndexer(runtime::kNamespaceIndex, runtime::NamespaceIndexFunc));
  StoreLookup lookup(informers.secrets.store(), informers.config_maps.store(),
                     informers.claims.store(), informers.volumes.store());
  runtime::Controller* worker_ctl_ptr = nullptr;  // set below, before anything runs
  ProcessMonitor monitor(clock, [&](const std::string& key) {
    if (worker_ctl_ptr != nullptr) worker_ctl_ptr->Enqueue(key);
  });
  VolumeManager volumes(o.cluster_dir, lookup, clock);
  PodWorker worker(
      client, informers.pods.store(), nodes, lookup, volumes, monitor, clock,
      {.cluster_dir = o.cluster_dir, .shim_binary = o.shim_binary, .agent_binary = o.agent_binary});
  Scheduler scheduler(client, informers.pods.store(), nodes, lookup, clock);
  runtime::Controller worker_ctl(worker, clock, {.name = "pods", .workers = o.workers});
  runtime::Controller scheduler_ctl(scheduler, clock, {.name = "scheduler", .workers = 1});
  worker_ctl_ptr = &worker_ctl;
  WireHandlers(informers, worker, worker_ctl, scheduler_ctl);

  std::stop_source run;
  for (auto* i : informers.All()) i->Start(run.get_token());
  for (auto* i : informers.All()) {
    if (!i->WaitForSync(stop, kCacheSyncTimeout)) {
      run.request_stop();
      for (auto* j : informers.All()) j->Stop();
      UnmountNodeRoots(nodes);
      return stop.stop_requested() ? Status(CancelledError("stopped during cache sync"))
                                   : Status(DeadlineExceededError("informer caches did not sync"));
    }
  }
  log->info(Fields("process kubelet running", {{"nodes", std::to_string(o.nodes)},
                                               {"cluster_dir", o.cluster_dir},
                                               {"agent_binary", o.agent_binary}}));
  {
    std::jthread worker_thread([&] { worker_ctl.Run(run.get_token()); });
    std::jthread scheduler_thread([&] { scheduler_ctl.Run(run.get_token()); });
    std::jthread monitor_thread([&] { monitor.Run(run.get_token()); });
    std::jthread heartbeat_thread([&] { nodes.Run(run.get_token()); });
    while (clock.SleepFor(std::chrono::hours(1), stop)) {
    }
    log->info("stopping");
    run.request_stop();
  }  // every thread joined: no reconcile runs any more
  worker.StopAll(o.shutdown_grace);
  for (auto* i : informers.All()) i->Stop();
  if (!o.keep_nodes) {
    if (Status s = nodes.Unregister(); !s.ok()) {
      log->warn(Fields("removing nodes failed", {{"error", s.error().ToString()}}));
    }
  }
  UnmountNodeRoots(nodes);
  log->info("stopped");
  return OkStatus();
}

}  // namespace drs::kubelet
