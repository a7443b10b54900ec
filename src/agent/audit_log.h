#pragma once
// The gate's audit trail: one JSON object per line, appended by each
// rsync-gate process to <state-dir>/audit.log, and forwarded into the
// agent's own log by `run` (AuditLogForwarder), so every decision shows up
// in the agent pod's logs.
//
//   {"ts":"2026-01-02T03:04:05Z","decision":"refused","keyId":"mover/shop/x/7",
//    "reason":"rsync receiver mode ... refused","command":"rsync --server ...",
//    "client":"10.0.0.7 51234","volume":""}
//
// Appends are one write(2) on an O_APPEND descriptor, so lines from
// concurrent gates never interleave. The forwarder rotates the file by
// renaming it, and keeps reading the old file one more round so that lines a
// gate wrote just before the rename are not lost.
//
// Thread-safety: AppendAuditRecord is safe from any process or thread;
// AuditLogForwarder is not thread-safe (one owner polls it).

#include <sys/types.h>

#include <cstddef>
#include <functional>
#include <string>
#include <string_view>

#include "base/clock.h"
#include "base/result.h"
#include "base/unique_fd.h"

namespace drs::agent {

struct AuditRecord {
  Clock::WallTime time;
  std::string decision;  // "allowed" or "refused"
  std::string key_id;
  std::string reason;
  std::string command;  // what the client asked for, truncated
  std::string client;   // SSH_CONNECTION's address and port
  std::string volume;   // the resolved directory, when there is one
};

// The record as one JSON line (with the trailing newline).
std::string AuditRecordJson(const AuditRecord& record);

// Appends the record to `path` (created 0600; a symlink there is refused).
Status AppendAuditRecord(const std::string& path, const AuditRecord& record);

class AuditLogForwarder {
 public:
  // 8 MiB: weeks of decisions at a sync every few minutes, small next to a
  // node's disk; the file lives in the agent's state directory.
  static constexpr std::size_t kDefaultRotateBytes = std::size_t{8} << 20;

  using Sink = std::function<void(std::string_view line)>;
  AuditLogForwarder(std::string path, Sink sink, std::size_t rotate_bytes = kDefaultRotateBytes);

  // Hands every complete new line to the sink; rotates when the file has
  // grown past the limit. Lines already in the file when the forwarder was
  // made were forwarded by a previous agent process and are skipped.
  void Poll();

 private:
  void Drain(UniqueFd& fd, std::string& partial);
  void OpenCurrent();

  const std::string path_;
  const Sink sink_;
  const std::size_t rotate_bytes_;
  UniqueFd current_;
  std::string current_partial_;
  std::size_t current_read_ = 0;
  // The file as it was at construction: skipped on first open if unchanged.
  ino_t skip_inode_ = 0;
  std::size_t skip_bytes_ = 0;
  UniqueFd retired_;  // the file renamed away at the last rotation
  std::string retired_partial_;
};

}  // namespace drs::agent
