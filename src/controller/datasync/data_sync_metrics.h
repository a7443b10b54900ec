#pragma once
// Metrics of PVC data sync, labelled replication="<namespace>/<name>" and
// claim="<source namespace>/<claim>":
//   drs_pvc_sync_bytes_total             bytes transferred by successful movers
//   drs_pvc_sync_files_total             files transferred by successful movers
//   drs_pvc_sync_duration_seconds        duration of the last successful transfer
//   drs_pvc_sync_last_success_timestamp_seconds
//                                        Unix time the last copy's data dates from
//                                        (now minus this is the claim's RPO)
//   drs_pvc_sync_unchanged_total         successful movers that transferred nothing
//                                        because neither tree had changed (skipUnchanged)
//   drs_pvc_sync_failures_total          failed mover Jobs
//   drs_pvc_sync_running                 movers running now (by replication)
//
// Thread-safety: thread-safe (the registry's children are).

#include <string>

#include "api/replication.h"
#include "runtime/metrics.h"

namespace drs::controller::datasync {

class DataSyncMetrics {
 public:
  // `registry` may be null: every call is then a no-op.
  explicit DataSyncMetrics(runtime::Registry* registry);

  void RecordSuccess(const std::string& replication, const api::PvcStatus& status);
  // A success that skipped its transfer (also counted by RecordSuccess).
  void RecordUnchanged(const std::string& replication, const std::string& claim);
  void RecordFailure(const std::string& replication, const std::string& claim);
  void SetRunning(const std::string& replication, int running);

 private:
  runtime::CounterFamily* bytes_ = nullptr;
  runtime::CounterFamily* files_ = nullptr;
  runtime::GaugeFamily* duration_ = nullptr;
  runtime::GaugeFamily* last_success_ = nullptr;
  runtime::CounterFamily* unchanged_ = nullptr;
  runtime::CounterFamily* failures_ = nullptr;
  runtime::GaugeFamily* running_ = nullptr;
};

}  // namespace drs::controller::datasync
