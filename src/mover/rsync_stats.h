#pragma once
// Parses the block rsync prints for --stats (rsync 3.1 to 3.4 and the 3.2.7
// Debian ships print the same lines; numbers may carry "," separators
// unless --no-human-readable is given, and we accept both):
//
//   Number of files: 6 (reg: 2, dir: 3, link: 1)
//   Number of created files: 3 (reg: 2, dir: 1)
//   Number of deleted files: 0
//   Number of regular files transferred: 2
//   Total file size: 20000008 bytes
//   Total transferred file size: 20000003 bytes
//   Literal data: 20000003 bytes
//   Matched data: 0 bytes
//   File list size: 0
//   File list generation time: 0.001 seconds
//   File list transfer time: 0.000 seconds
//   Total bytes sent: 69
//   Total bytes received: 20005083
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string_view>

#include "base/result.h"

namespace drs::mover {

struct TransferStats {
  std::int64_t files_total = 0;          // "Number of files", every kind
  std::int64_t regular_files_total = 0;  // its "reg:" part
  std::int64_t files_created = 0;
  std::int64_t files_deleted = 0;
  std::int64_t files_transferred = 0;  // regular files whose data was updated
  std::int64_t bytes_total = 0;        // "Total file size"
  std::int64_t bytes_transferred = 0;  // "Total transferred file size"
  std::int64_t literal_bytes = 0;      // data sent as is
  std::int64_t matched_bytes = 0;      // data rebuilt from what we already had
  std::int64_t bytes_sent = 0;         // on the wire, by us
  std::int64_t bytes_received = 0;     // on the wire, to us
  friend bool operator==(const TransferStats&, const TransferStats&) = default;
};

// Finds the block anywhere in `output` (rsync's stdout: progress and
// itemized lines may come before it). NotFound when there is no "Number of
// files:" line (rsync failed before printing it); Invalid, naming the line,
// when a known line has no number.
Result<TransferStats> ParseRsyncStats(std::string_view output);

}  // namespace drs::mover
