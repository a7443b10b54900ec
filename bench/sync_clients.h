#pragma once
// The clients sync_bench compares, each copying the same objects into a
// fresh DR namespace: dr-syncer's sync engine (sync::SyncNamespace) and the
// baselines that send the engine's desired objects straight to the DR API
// server (curl --parallel, or DynamicClient from N threads). Also the
// engine's no-change cycle, with its writes counted in the audit log.
//
// Thread-safety: SyncEnv is used by one thread at a time.

#include <memory>
#include <string>
#include <vector>

#include "base/result.h"
#include "bench_support.h"
#include "curl_batch.h"
#include "kubeclient/discovery.h"
#include "sync/namespace_sync.h"
#include "sync_objects.h"

namespace drs::bench {

// Clients of both clusters (unthrottled) and what the baselines need.
struct SyncEnv {
  std::string bed_dir;
  BenchClients src, dr;
  std::unique_ptr<kubeclient::Discovery> src_discovery, dr_discovery;
  BedCluster dr_bed;
  CurlIdentity identity;  // the DR identity's certificate, for curl
  std::string curl;
  std::string dr_user;  // its user name in the audit log
  int parallel = 16;    // curl's --parallel-max
};

// The engine's options for a Replication-like copy of src_ns to dst_ns.
sync::NamespaceSyncSpec SpecFor(const std::string& src_ns, const std::string& dst_ns);

// What the engine applies for `src_ns`, read and transformed (untimed).
Result<std::vector<TypedObject>> DesiredObjects(SyncEnv& env, const std::string& src_ns);

// The wall and CPU seconds of one run (CPU: this process and its children).
struct Timing {
  double wall_s = 0;
  double cpu_s = 0;
};

// A baseline ("curl-apply", "curl-create", "apply-N") writing `objects`
// into a fresh namespace of the DR cluster. Fails on any failed write.
Result<Timing> RunBaseline(SyncEnv& env, const std::string& id, std::vector<TypedObject>& objects);

// SyncNamespace of src_ns into dst_ns; with `memo`, as the controller runs
// it (what earlier cycles verified is not compared again).
Result<sync::SyncReport> RunEngine(SyncEnv& env, const std::string& src_ns,
                                   const std::string& dst_ns, sync::SyncMemo* memo = nullptr);

// A sync that should find nothing to do: its wall time, report.writes and
// the DR identity's requests in the audit log while it ran.
struct Cycle {
  double seconds = 0;
  double cpu_s = 0;  // the engine's (this process's) CPU time
  std::int64_t writes = 0;
  AuditCount audit;
};
Result<Cycle> NoChangeCycle(SyncEnv& env, const std::string& src_ns, const std::string& dst_ns,
                            sync::SyncMemo* memo = nullptr);

// "<prefix>-<random>" (no namespace is created).
std::string UniqueName(const std::string& prefix);

}  // namespace drs::bench
