#include "controller/datasync/data_sync_metrics.h"

namespace drs::controller::datasync {

DataSyncMetrics::DataSyncMetrics(runtime::Registry* registry) {
  if (registry == nullptr) return;
  const std::vector<std::string> labels = {"replication", "claim"};
  bytes_ = &registry->AddCounter("drs_pvc_sync_bytes_total",
                                 "Bytes transferred by successful PVC data syncs.", labels);
  files_ = &registry->AddCounter("drs_pvc_sync_files_total",
                                 "Files transferred by successful PVC data syncs.", labels);
  duration_ = &registry->AddGauge("drs_pvc_sync_duration_seconds",
                                  "Duration of the last successful transfer of a claim.", labels);
  last_success_ = &registry->AddGauge(
      "drs_pvc_sync_last_success_timestamp_seconds",
      "Unix time the DR copy of a claim holds the data of: now minus this is its RPO.", labels);
  unchanged_ = &registry->AddCounter(
      "drs_pvc_sync_unchanged_total",
      "Successful PVC data syncs that transferred nothing: neither tree had changed.", labels);
  failures_ =
      &registry->AddCounter("drs_pvc_sync_failures_total", "Failed mover Jobs of a claim.", labels);
  running_ =
      &registry->AddGauge("drs_pvc_sync_running", "Mover Jobs running now.", {"replication"});
}

void DataSyncMetrics::RecordSuccess(const std::string& replication, const api::PvcStatus& s) {
  if (bytes_ == nullptr) return;
  const std::vector<std::string> labels = {replication, s.ns + "/" + s.name};
  bytes_->WithLabels(labels).Inc(static_cast<double>(s.bytes));
  files_->WithLabels(labels).Inc(static_cast<double>(s.files));
  if (s.duration) {
    duration_->WithLabels(labels).Set(std::chrono::duration<double>(*s.duration).count());
  }
  if (s.last_sync_time) {
    last_success_->WithLabels(labels).Set(
        std::chrono::duration<double>(s.last_sync_time->time_since_epoch()).count());
  }
}

void DataSyncMetrics::RecordUnchanged(const std::string& replication, const std::string& claim) {
  if (unchanged_ != nullptr) unchanged_->WithLabels({replication, claim}).Inc();
}

void DataSyncMetrics::RecordFailure(const std::string& replication, const std::string& claim) {
  if (failures_ != nullptr) failures_->WithLabels({replication, claim}).Inc();
}

void DataSyncMetrics::SetRunning(const std::string& replication, int running) {
  if (running_ != nullptr) running_->WithLabels({replication}).Set(running);
}

}  // namespace drs::controller::datasync
