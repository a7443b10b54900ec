// dr-syncer: the controller manager. Reconciles RemoteClusters (and, as the
// product grows, Replications) in the cluster it runs in, with leader
// election, health and metrics endpoints, and a clean exit on SIGTERM.

#include <signal.h>

#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <thread>

#include "api/group.h"
#include "base/clock.h"
#include "base/go_duration.h"
#include "base/logging.h"
#include "cmd/dr_syncer_options.h"
#include "cmd/signals.h"
#include "controller/datasync/agent_manager.h"
#include "controller/datasync/cluster_slots.h"
#include "controller/datasync/data_syncer.h"
#include "controller/datasync/key_store.h"
#include "controller/datasync/sshkeys_minter.h"
#include "controller/namespacemapping/reconciler.h"
#include "controller/remotecluster/cluster_connection.h"
#include "controller/remotecluster/reconciler.h"
#include "controller/replication/reconciler.h"
#include "kube/object.h"
#include "kubeclient/in_cluster.h"
#include "kubeclient/kubeconfig.h"
#include "runtime/controller.h"
#include "runtime/event_recorder.h"
#include "runtime/event_sink.h"
#include "runtime/leader_election_config.h"
#include "runtime/manager.h"
#include "runtime/rest_client_metrics.h"
#include "runtime/work_queue_prometheus.h"

namespace drs::cmd {
namespace {

constexpr const char* kVersion = DRS_VERSION;

Result<kubeclient::RestConfig> LocalConfig(const DrSyncerOptions& o) {
  std::string path = o.kubeconfig;
  if (path.empty()) {
    auto in_cluster = kubeclient::InClusterConfig(kubeclient::InClusterEnvironment::Real());
    if (in_cluster.ok()) return in_cluster;
    const char* env = std::getenv("KUBECONFIG");
    if (env == nullptr || *env == '\0') {
      return std::move(in_cluster)
          .error()
          .WithContext("no --kubeconfig, no $KUBECONFIG, and not running in a cluster");
    }
    path = env;
  }
  return kubeclient::LoadKubeconfigFile(path, o.context);
}

// Enqueue on spec, annotation (sync-now) and finalizer changes and on
// deletion, not on our own status writes: reconcilers pace themselves.
runtime::EventHandlers SpecChangeHandlers(runtime::Controller& controller) {
  auto all = controller.EnqueueHandlers();
  return {.on_add = all.on_add,
          .on_update =
              [enqueue = all.on_update](const runtime::ObjectPtr& old_obj,
                                        const runtime::ObjectPtr& new_obj) {
                if (kube::Generation(*old_obj) != kube::Generation(*new_obj) ||
                    kube::IsBeingDeleted(*new_obj) != kube::IsBeingDeleted(*old_obj) ||
                    kube::Annotations(*old_obj) != kube::Annotations(*new_obj) ||
                    (*old_obj)["metadata"].value("finalizers", nlohmann::json()) !=
                        (*new_obj)["metadata"].value("finalizers", nlohmann::json()) ||
                    old_obj == new_obj /* periodic resync */) {
                  enqueue(old_obj, new_obj);
                }
              },
          .on_delete = all.on_delete};
}

int Run(const DrSyncerOptions& o, std::stop_token stop) {
  auto log = GetLogger("dr-syncer");
  auto config = LocalConfig(o);
  if (!config.ok()) {
    log->error(Fields("cannot build a client for the local cluster",
                      {{"error", config.error().ToString()}}));
    return 1;
  }
  config->qps = o.kube_api_qps;
  config->burst = static_cast<int>(o.kube_api_burst);
  config->user_agent = std::string("dr-syncer/") + kVersion;
  const std::string lease_namespace =
      !o.leader_election_namespace.empty() ? o.leader_election_namespace
      : !o.watch_namespace.empty()         ? o.watch_namespace
      : !config->default_namespace.empty() ? config->default_namespace
                                           : "default";
  Clock& clock = RealClock::Get();
  auto rest = kubeclient::RestClient::Create(std::move(config).value(), clock);
  if (!rest.ok()) {
    log->error(Fields("invalid client configuration", {{"error", rest.error().ToString()}}));
    return 1;
  }
  kubeclient::DynamicClient local(**rest);

  runtime::ManagerOptions manager_options{.health_bind_address = o.health_probe_bind_address,
                                          .metrics_bind_address = o.metrics_bind_address};
  if (o.leader_elect) {
    manager_options.leader_election = runtime::LeaderElectionConfig{
        .lease_namespace = lease_namespace,
        .lease_name = o.leader_election_id,
        .identity = runtime::DefaultIdentity(),
        .lease_duration =
            std::chrono::duration_cast<std::chrono::seconds>(o.leader_elect_lease_duration),
        .renew_deadline = o.leader_elect_renew_deadline,
        .retry_period = o.leader_elect_retry_period};
  }
  runtime::Manager manager(std::move(manager_options), clock, &local);
  runtime::RegisterBuildInfo(manager.registry(), kVersion, "");
  runtime::RestClientMetrics local_metrics(manager.registry(), "local");
  (*rest)->SetObserver(&local_metrics);
  runtime::PrometheusWorkQueueMetrics queue_metrics(manager.registry());
  runtime::KubeEventRecorder events(std::make_unique<runtime::ApiEventSink>(local), clock,
                                    {.source = {.component = "dr-syncer", .host = ""}});

  runtime::Informer remote_clusters(local, clock,
                                    {.gvr = api::kRemoteClusters, .ns = o.watch_namespace},
                                    std::chrono::minutes(10));
  runtime::Informer replications(local, clock, {.gvr = api::kReplications, .ns = o.watch_namespace},
                                 std::chrono::minutes(10));
  controller::ClusterConnections connections(clock, &manager.registry());

  // PVC data sync: keys in the controller's namespace, agents in source
  // clusters, movers in DR namespaces.
  const char* pod_namespace = std::getenv("POD_NAMESPACE");
  const std::string key_namespace = !o.controller_namespace.empty() ? o.controller_namespace
                                    : !o.watch_namespace.empty()    ? o.watch_namespace
                                    : pod_namespace != nullptr && *pod_namespace != '\0'
                                        ? std::string(pod_namespace)
                                        : lease_namespace;
  controller::datasync::SshKeysMinter minter;
  controller::datasync::KeyStore keys(
      local, key_namespace, minter, clock,
      std::chrono::duration_cast<api::Duration>(o.key_rotation_overlap));
  if (o.key_rotation_overlap > std::chrono::milliseconds::zero() &&
      o.key_rotation_overlap <= o.data_sync_access_delay) {
    // Agents may still lack the new key when the old one dies: movers fail
    // until they learn it.
    log->warn(Fields("--key-rotation-overlap is not longer than --data-sync-access-delay",
                     {{"overlap", FormatGoDuration(o.key_rotation_overlap)},
                      {"access_delay", FormatGoDuration(o.data_sync_access_delay)}}));
  }
  controller::datasync::AgentManager agents(
      keys, o.agent_image.empty() ? std::string("dr-syncer-agent:") + kVersion : o.agent_image,
      [&replications](const std::string& replication, const std::string& remote_cluster) {
        const auto object = replications.store().Get(replication);
        if (!object) return false;
        auto r = api::ReplicationFromJson(*object);
        return r.ok() && r->spec.pvc_config.sync_data &&
               r->metadata.ns + "/" + r->spec.source_cluster == remote_cluster;
      },
      clock);
  controller::datasync::ClusterSlots data_slots(static_cast<int>(o.max_data_syncs_per_cluster));
  controller::datasync::DataSyncer data_syncer(
      keys, agents, data_slots,
      {.mount_pod_image = o.mount_pod_image,
       .access_propagation = std::chrono::duration_cast<api::Duration>(o.data_sync_access_delay)},
      clock, &manager.registry());

  controller::RemoteClusterReconciler reconciler(local, remote_clusters.store(), connections,
                                                 events, clock, &manager.registry(), &agents);
  runtime::Controller rc_controller(reconciler, clock,
                                    {.name = "remotecluster",
                                     .workers = static_cast<int>(o.remotecluster_workers),
                                     .queue_metrics = &queue_metrics,
                                     .registry = &manager.registry()});
  remote_clusters.AddEventHandlers(SpecChangeHandlers(rc_controller));
  manager.AddInformer(&remote_clusters);
  manager.AddRunnable(
      "remotecluster-controller", [&](std::stop_token st) { rc_controller.Run(st); }, true);

  kubeclient::Discovery local_discovery(**rest, clock);
  controller::ReplicationReconciler repl_reconciler({local, local_discovery}, replications.store(),
                                                    remote_clusters.store(), connections, events,
                                                    clock, &manager.registry(), &data_syncer);
  runtime::Controller repl_controller(repl_reconciler, clock,
                                      {.name = "replication",
                                       .workers = static_cast<int>(o.replication_workers),
                                       .queue_metrics = &queue_metrics,
                                       .registry = &manager.registry()});
  replications.AddEventHandlers(SpecChangeHandlers(repl_controller));
  // Continuous mode: a source change marks the Replication and wakes it
  // after its debounce; repeated changes within the window share one sync
  // (the queue keeps the earliest wake-up).
  controller::SourceWatches source_watches(
      clock, [&](const std::string& key, const controller::SourceWatches::Change& c) {
        repl_reconciler.MarkSourceChanged(key, c);
        repl_controller.EnqueueAfter(key, repl_reconciler.DebounceFor(key));
      });
  repl_reconciler.SetSourceWatches(&source_watches);
  // A RemoteCluster that turns Ready (a status write) unblocks the
  // Replications of its namespace at once instead of at their next retry.
  remote_clusters.AddEventHandlers(
      {.on_update = [&](const runtime::ObjectPtr& old_obj, const runtime::ObjectPtr& new_obj) {
        if ((*old_obj).value("status", nlohmann::json()) ==
            (*new_obj).value("status", nlohmann::json())) {
          return;
        }
        for (const auto& key : replications.store().ListKeys()) {
          if (key.starts_with(kube::Namespace(*new_obj) + "/")) repl_controller.Enqueue(key);
        }
      }});
  manager.AddInformer(&replications);
  manager.AddRunnable(
      "replication-controller", [&](std::stop_token st) { repl_controller.Run(st); }, true);

  // Deprecated NamespaceMappings become Replications.
  runtime::Informer mappings(local, clock,
                             {.gvr = api::kNamespaceMappings, .ns = o.watch_namespace},
                             std::chrono::minutes(10));
  controller::NamespaceMappingReconciler mapping_reconciler(local, mappings.store(), events, clock);
  runtime::Controller mapping_controller(mapping_reconciler, clock,
                                         {.name = "namespacemapping",
                                          .workers = 1,
                                          .queue_metrics = &queue_metrics,
                                          .registry = &manager.registry()});
  mappings.AddEventHandlers(SpecChangeHandlers(mapping_controller));
  manager.AddInformer(&mappings);
  manager.AddRunnable(
      "namespacemapping-controller", [&](std::stop_token st) { mapping_controller.Run(st); }, true);

  log->info(Fields("starting", {{"version", kVersion},
                                {"namespace", o.watch_namespace.empty() ? "*" : o.watch_namespace},
                                {"leader_elect", o.leader_elect ? "true" : "false"}}));
  Status ran = manager.Run(stop);
  events.Shutdown(std::chrono::seconds(2));
  if (!ran.ok()) {
    log->error(Fields("exiting", {{"error", ran.error().ToString()}}));
    return 1;
  }
  log->info("exited cleanly");
  return 0;
}

}  // namespace
}  // namespace drs::cmd

int main(int argc, char** argv) {
  using namespace drs;
  cmd::DrSyncerOptions options;
  FlagSet flags("dr-syncer");
  cmd::RegisterFlags(flags, options);
  auto parsed = flags.Parse(argc, argv);
  if (!parsed.ok()) {
    std::fprintf(stderr, "dr-syncer: %s\n", parsed.error().ToString().c_str());
    return 2;
  }
  if (options.help) {
    std::cout << flags.Usage();
    return 0;
  }
  if (options.version) {
    std::cout << "dr-syncer " << cmd::kVersion << "\n";
    return 0;
  }
  auto format = ParseLogFormat(options.log_format);
  if (!format.ok() || !InitLogging(options.log_level, *format).ok()) {
    std::fprintf(stderr, "dr-syncer: bad --log-level or --log-format\n");
    return 2;
  }
  cmd::SignalStopper signals(options.shutdown_timeout);  // before any thread starts
  return cmd::Run(options, signals.token());
}
