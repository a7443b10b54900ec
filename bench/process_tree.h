#pragma once
// Readings of whole process trees from /proc, for data_bench: a sync is
// several processes on each side (the mover's pull, its rsync and ssh; the
// agent, its sshd, the connection's sshd and the rsync sender the gate
// became), so memory and CPU are summed over a root and every descendant.
//
// - Memory: PeakTreeSampler scans /proc on its own thread every interval
//   while a sync runs and keeps, per root, the sample whose summed RSS was
//   largest, with what each command contributed to it. RSS counts shared
//   library pages once per process, so a sum is an upper bound of what the
//   tree really holds.
// - CPU: TreeCpuSeconds adds utime + stime and the reaped children's
//   cutime + cstime of every live process of a tree, so a connection's
//   processes are counted whether they are still running or already
//   reaped by the tree's sshd.
//
// - WaitForExit: a child's exit seen as it happens (a pidfd), so a timed
//   run ends when the process does, not at the next poll.
//
// Thread-safety: the free functions are reentrant; a PeakTreeSampler is
// owned by one thread (its own sampling thread is internal).

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/child_process.h"

namespace drs::bench {

// Waits up to `timeout` for `child` to exit and reaps it; returns whether
// it did.
bool WaitForExit(ChildProcess& child, std::chrono::milliseconds timeout);

// One process as /proc/<pid>/stat shows it.
struct ProcStat {
  pid_t pid = 0;
  pid_t ppid = 0;
  std::string comm;
  std::int64_t rss_bytes = 0;
  // utime + stime + cutime + cstime, in seconds.
  double cpu_with_reaped_children_s = 0;
};

// Every process readable in /proc now (processes that exit during the scan
// are skipped).
std::vector<ProcStat> ReadAllProcesses();

// `root` and all its descendants among `all`; empty if root is not there.
std::vector<ProcStat> TreeOf(const std::vector<ProcStat>& all, pid_t root);

// CPU seconds used so far by the tree below `root` (see the file comment).
double TreeCpuSeconds(pid_t root);

// How many processes the tree below `root` has now.
std::size_t TreeSize(pid_t root);

// The memory of one tree at its largest sample.
struct TreeMemory {
  std::int64_t rss_bytes = 0;                       // the sum over the tree
  std::map<std::string, std::int64_t> by_command;   // comm -> summed RSS
  std::map<std::string, int> processes_by_command;  // comm -> how many
};

class PeakTreeSampler {
 public:
  // Starts sampling the trees below `roots` every `interval`.
  PeakTreeSampler(std::vector<pid_t> roots, std::chrono::milliseconds interval);
  ~PeakTreeSampler();
  PeakTreeSampler(const PeakTreeSampler&) = delete;
  PeakTreeSampler& operator=(const PeakTreeSampler&) = delete;

  // Takes one last sample, stops the thread and returns the peak of each
  // root, in the order of `roots`.
  std::vector<TreeMemory> Finish();

 private:
  void Sample();

  const std::vector<pid_t> roots_;
  std::mutex mutex_;
  std::vector<TreeMemory> peaks_;  // guarded by mutex_
  std::jthread thread_;
};

}  // namespace drs::bench
