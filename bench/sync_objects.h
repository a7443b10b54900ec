#pragma once
// What the object-sync benchmarks (sync_bench, continuous_bench) share: a
// namespace of mixed objects in realistic proportions, seeded by parallel
// writers; waiting until a bed's control planes are idle again; counting a
// user's writes in an API server's audit log; reading another process's
// memory from /proc.
//
// Thread-safety: free functions are reentrant.

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "base/result.h"
#include "bench_support.h"
#include "kube/group_version.h"
#include "kubeclient/dynamic_client.h"

namespace drs::bench {

inline const kube::GroupVersionResource kSecrets{"", "v1", "secrets"};
inline const kube::GroupVersionResource kServices{"", "v1", "services"};
inline const kube::GroupVersionResource kDeployments{"apps", "v1", "deployments"};

struct TypedObject {
  kube::GroupVersionResource gvr;
  nlohmann::json object;
};

// Object number `index` of a mixed namespace. Of every 20: 9 ConfigMaps, 7
// Secrets, 2 headless Services and 2 Deployments of one replica (the bed's
// Service range is a /24, so ClusterIP Services cannot number thousands).
TypedObject MakeMixedObject(const std::string& ns, std::size_t index);
// "45% ConfigMaps, 35% Secrets, ...": the mix, for reports.
std::string MixDescription();
// The names of the ConfigMaps among objects [0, objects).
std::vector<std::string> MixedConfigMapNames(std::size_t objects);

// Creates namespace `ns` and objects [0, objects) in it with `workers`
// concurrent writers; returns the seconds the writes took. A namespace that
// already exists is taken as seeded by an earlier driver of the same run
// and left as is (0 s).
Result<double> SeedNamespace(kubeclient::DynamicClient& client, const std::string& ns,
                             std::size_t objects, int workers);

// Waits until every control-plane process of the bed in `bed_dir` (etcd,
// kube-apiserver, kube-controller-manager of each cluster) is idle together,
// so one run's aftermath (ReplicaSets and Pods the controller-manager makes
// for new Deployments) does not fall on the next. Returns the seconds
// waited; when `timeout_s` passes first, returns them with a warning.
double WaitForQuietBed(const std::string& bed_dir, double timeout_s);

// Where an audit log ends now, to count from there later.
std::uintmax_t AuditLogSize(const std::string& path);
// Requests in `path` after byte `from` (ResponseComplete events) by
// `user`: all of them and those with a write verb. Fails if the log was
// rotated since `from`.
struct AuditCount {
  int requests = 0;
  int writes = 0;
};
Result<AuditCount> CountAuditRequests(const std::string& path, std::uintmax_t from,
                                      const std::string& user);

// VmRSS and VmHWM of process `pid`, in bytes (0 when unreadable).
MemorySample ProcessMemory(int pid);
// Resets VmHWM of process `pid` to its RSS; false if not permitted.
bool ResetProcessPeakRss(int pid);

}  // namespace drs::bench
