#pragma once
// Progress of a running rsync, sampled from /proc instead of read from
// rsync's output. rsync's --info=progress2 prints an update for every file
// (two per small file: 200,000 writes and reads for 100,000 files), which
// cost measurable CPU on the copy of many small files just to log a line
// every 10 s. Reading the I/O counters of rsync's process tree once per
// interval costs the same whatever the number of files.
//
// In a pull, the rsync we start (the client; after the handshake it is the
// generator) has two children: the remote shell (ssh) and the receiver (a
// fork of the client), which reads what the sender sends from a pipe and
// writes the files.
//
//   TransferIoReader   reads the counters of that tree from a /proc
//   ProgressMonitor    samples every interval on a thread of its own and
//                      reports "transfer progress" lines, and a final one
//
// Thread-safety: TransferIoReader is not thread-safe (one sampler owns
// it). ProgressMonitor's methods are called from one thread; its sampling
// thread only calls `report`, which must be safe to call from there.

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <thread>
#include <utility>

#include "base/clock.h"

namespace drs::mover {

// What rsync's process tree has moved so far in this pass.
struct TransferIo {
  // Read by the receiver: the data arriving from the sender, as rsync's own
  // "Total bytes received" counts it, plus the destination's old copy of
  // each file it updates with the delta algorithm (read locally to rebuild
  // the file; nothing of it is in an initial copy). Not ssh's reads: when
  // the pull shares one ssh connection between its sessions
  // (ControlMaster), the ssh below rsync only hands its pipes to the
  // master, which is not rsync's descendant, and reads next to nothing.
  std::int64_t received = 0;
  // Handed to write() by the receiver: file data written into the
  // destination (zero runs of sparse files are skipped, not written), plus
  // a few bytes per file of messages to the generator. Not /proc's
  // write_bytes: that counts whole pages, and nothing at all on tmpfs.
  std::int64_t written = 0;
  friend bool operator==(const TransferIo&, const TransferIo&) = default;
};

// Reads TransferIo for the tree below `client_pid` from `proc_dir` (a /proc
// mount, or a synthetic tree in tests): <proc>/<pid>/stat for the command
// name, parent and start time, <proc>/<pid>/io for the counters, and
// <proc>/<pid>/task/<pid>/children to find the children (scanning every
// <proc>/<pid>/stat for the parent when the kernel has no children file).
// The receiver is the descendant with the client's command name (rsync's
// own fork); ssh and anything else are not counted, nor is the client
// itself (it reads the destination for the file list and writes requests).
//
// It remembers the last counters of every receiver seen, so the totals keep
// what it did after it exits: rsync reaps it at the end (its counters then
// fold into the client's, which are not counted).
class TransferIoReader {
 public:
  TransferIoReader(std::string proc_dir, pid_t client_pid)
      : proc_dir_(std::move(proc_dir)), client_pid_(client_pid) {}

  // Empty when the client cannot be read (it has exited, there is no
  // /proc, or its pid now names another process). A receiver whose
  // counters cannot be read adds what it had when last read.
  std::optional<TransferIo> Read();

 private:
  // A process is its pid and start time: a pid may be reused.
  using ProcessId = std::pair<pid_t, std::uint64_t>;

  std::string proc_dir_;
  pid_t client_pid_;
  std::optional<std::uint64_t> client_start_time_;  // from the first read
  std::map<ProcessId, TransferIo> receivers_;       // rchar and wchar as last read
};

// One "transfer progress" line.
struct ProgressLine {
  enum class Kind {
    kSample,
    kFinal,            // at the end, with rsync's own totals (--stats)
    kFinalLastSample,  // at the end, rsync printed none: the last sample's
  };
  Kind kind = Kind::kSample;
  std::chrono::milliseconds elapsed{0};  // since the pass started
  TransferIo io;
  // Received bytes per second over the last interval; on a final line,
  // over the time until `io` was counted.
  std::int64_t bytes_per_second = 0;
  friend bool operator==(const ProgressLine&, const ProgressLine&) = default;
};

// Logs a line on the mover's logger.
void LogProgress(const std::string& volume, const ProgressLine& line);

struct ProgressMonitorOptions {
  Clock* clock = nullptr;  // REQUIRES: set
  std::chrono::milliseconds interval{std::chrono::seconds(10)};
  std::string proc_dir = "/proc";
  std::function<void(const ProgressLine&)> report;  // REQUIRES: set
};

// Samples the client's tree every `interval` (the first sample one interval
// after Start: a short pass logs only its final line) and reports each
// sample it can read; a sample that cannot be read is skipped silently.
class ProgressMonitor {
 public:
  explicit ProgressMonitor(ProgressMonitorOptions options) : options_(std::move(options)) {}
  ~ProgressMonitor() = default;  // the jthread stops and joins the sampler
  ProgressMonitor(const ProgressMonitor&) = delete;
  ProgressMonitor& operator=(const ProgressMonitor&) = delete;

  // Starts sampling the tree of `client_pid`; the pass's time starts now.
  // REQUIRES: called at most once.
  void Start(pid_t client_pid);

  // Stops sampling and reports the final line: `totals` (rsync's own,
  // from --stats) when given, else the last sample's (a lower bound: what
  // happened after it is no longer in /proc). Nothing is reported when
  // neither exists or Start was never called.
  void Finish(std::optional<TransferIo> totals);

 private:
  void SampleLoop(const std::stop_token& stop);

  ProgressMonitorOptions options_;
  Clock::TimePoint started_{};
  std::optional<TransferIoReader> reader_;
  // Written by the sampling thread only while it runs; read by Finish after
  // joining it.
  std::optional<std::pair<Clock::TimePoint, TransferIo>> last_;
  std::jthread sampler_;  // last member: stopped and joined first
};

}  // namespace drs::mover
