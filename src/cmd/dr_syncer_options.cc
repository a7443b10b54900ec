#include "cmd/dr_syncer_options.h"

namespace drs::cmd {

void RegisterFlags(FlagSet& f, DrSyncerOptions& o) {
  f.String(
      "kubeconfig", &o.kubeconfig,
      "kubeconfig of the cluster dr-syncer runs in; empty = in-cluster config, else $KUBECONFIG");
  f.String("context", &o.context, "kubeconfig context; empty = current-context");
  f.String("namespace", &o.watch_namespace,
           "namespace to watch for RemoteClusters and Replications; empty = all namespaces");
  f.String("metrics-bind-address", &o.metrics_bind_address,
           "host:port for /metrics; \"0\" disables it");
  f.String("health-probe-bind-address", &o.health_probe_bind_address,
           "host:port for /healthz and /readyz; \"0\" disables it");
  f.Bool("leader-elect", &o.leader_elect, "elect a leader with a Lease so only one replica writes");
  f.String("leader-election-id", &o.leader_election_id, "name of the leader election Lease");
  f.String("leader-election-namespace", &o.leader_election_namespace,
           "namespace of the Lease; empty = --namespace, else $POD_NAMESPACE");
  f.Duration("leader-elect-lease-duration", &o.leader_elect_lease_duration,
             "how long a lease is valid without renewal");
  f.Duration("leader-elect-renew-deadline", &o.leader_elect_renew_deadline,
             "how long the leader keeps trying to renew before giving up");
  f.Duration("leader-elect-retry-period", &o.leader_elect_retry_period,
             "time between acquire and renew attempts");
  f.String("log-level", &o.log_level, "trace, debug, info, warn, error or off");
  f.String("log-format", &o.log_format, "text or json");
  f.Int("remotecluster-workers", &o.remotecluster_workers, "RemoteClusters reconciled in parallel");
  f.Int("replication-workers", &o.replication_workers, "Replications synced in parallel");
  f.String("agent-image", &o.agent_image,
           "image of the PVC data-sync agents and movers when a RemoteCluster names none; empty = "
           "dr-syncer-agent:<this version>");
  f.String("controller-namespace", &o.controller_namespace,
           "namespace of the SSH key Secrets of PVC data sync; empty = --namespace, else "
           "$POD_NAMESPACE, else the kubeconfig's namespace");
  f.Int("max-data-syncs-per-cluster", &o.max_data_syncs_per_cluster,
        "mover Jobs running at once against one source cluster, over all Replications; 0 = no "
        "limit");
  f.Duration("data-sync-access-delay", &o.data_sync_access_delay,
             "how long agents take to see a new key or volume in their access Secret (the "
             "kubelet's Secret refresh); new keys and volumes are used only after it");
  f.Duration("key-rotation-overlap", &o.key_rotation_overlap,
             "how long a retired SSH key of PVC data sync keeps working after a rotation; 0 = "
             "half the RemoteCluster's keyRotationInterval, at most 24h");
  f.String("mount-pod-image", &o.mount_pod_image,
           "image of the temporary pods that mount unattached claims (mountUnattachedVolumes)");
  f.Double("kube-api-qps", &o.kube_api_qps, "client QPS towards the local API server");
  f.Int("kube-api-burst", &o.kube_api_burst, "client burst towards the local API server");
  f.Duration("shutdown-timeout", &o.shutdown_timeout,
             "how long to wait for in-flight work after SIGTERM");
  f.Bool("version", &o.version, "print the version and exit");
  f.Bool("help", &o.help, "print this help and exit");
}

}  // namespace drs::cmd
