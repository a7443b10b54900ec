#pragma once
// The dr-syncer binary's options: flags, each also settable as DRS_<NAME>.

#include <chrono>
#include <cstdint>
#include <string>

#include "base/flags.h"

namespace drs::cmd {

struct DrSyncerOptions {
  std::string kubeconfig;  // "" = in-cluster, else $KUBECONFIG
  std::string context;
  std::string watch_namespace;  // "" = all namespaces
  std::string metrics_bind_address = ":8080";
  std::string health_probe_bind_address = ":8081";
  bool leader_elect = false;
  std::string leader_election_id = "dr-syncer-leader";
  std::string leader_election_namespace;  // "" = the watched namespace, else POD_NAMESPACE
  std::chrono::milliseconds leader_elect_lease_duration{15'000};
  std::chrono::milliseconds leader_elect_renew_deadline{10'000};
  std::chrono::milliseconds leader_elect_retry_period{2'000};
  std::string log_level = "info";
  std::string log_format = "text";
  std::int64_t remotecluster_workers = 2;
  std::int64_t replication_workers = 4;
  // PVC data sync.
  std::string agent_image;           // "" = dr-syncer-agent:<version>
  std::string controller_namespace;  // key Secrets; "" = --namespace, else $POD_NAMESPACE
  std::int64_t max_data_syncs_per_cluster = 8;
  std::chrono::milliseconds data_sync_access_delay{90'000};
  std::chrono::milliseconds key_rotation_overlap{0};  // 0 = half the interval, at most 24h
  std::string mount_pod_image = "registry.k8s.io/pause:3.10";
  double kube_api_qps = 50;
  std::int64_t kube_api_burst = 100;
  std::chrono::milliseconds shutdown_timeout{10'000};
  bool version = false;
  bool help = false;
};

void RegisterFlags(FlagSet& flags, DrSyncerOptions& options);

}  // namespace drs::cmd
