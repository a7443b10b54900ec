#pragma once
// One timed sync of data_bench: a side's client command run to completion
// from the driver, with the wall time, the CPU of the mover side (the
// client and its reaped children) and of the server side (the tree below
// the agent or the plain sshd), and the peak memory of both trees sampled
// from /proc every 100 ms.
//
// The sides, all pulling the same volume directory into the same
// destination:
//   ours        `dr-syncer-agent pull --skip-unchanged` through the agent (sshd,
//               gate, Landlock), as the controller runs it; its re-sync gets
//               the initial copy's digests
//   ours-noskip the same pull without --skip-unchanged: no tree digest, so
//               rsync compares every file and keeps --sparse
//   baseline    `rsync -a -e "ssh -i KEY -p PORT -o StrictHostKeyChecking=yes
//               -o UserKnownHostsFile=..."` through the plain sshd
//   opts-noax   the mover's own rsync command line (mover::BuildTransferArgv:
//               -HS --numeric-ids, --modify-window=-1, --delete, partial
//               and temp dirs, --stats, its ssh options) without ACLs and
//               xattrs, through the plain
//               sshd, from the volume's absolute path
//   opts        the same with -A -X, as the pull runs it on a destination
//               that keeps them
//   opts-agent  that command line through the agent, without the pull
//               process around it
// so that opts-noax ÷ baseline is what the rsync options cost apart from
// ACLs and xattrs, opts ÷ opts-noax what -A -X cost, opts-agent ÷ opts what
// the agent's side costs (its sshd settings, the gate, Landlock),
// ours-noskip ÷ opts-agent what the pull process adds (its destination
// checks and temp dir, the shared ssh connection, reading rsync's output),
// and ours ÷ ours-noskip what the tree digest costs or saves.
//
// Thread-safety: not thread-safe; the driver's main thread runs one at a time.

#include <sys/types.h>

#include <atomic>
#include <string>
#include <vector>

#include "base/result.h"
#include "mover/rsync_command.h"
#include "process_tree.h"
#include "ssh_servers.h"

namespace drs::bench {

enum class Side { kOurs, kBaseline, kOptsNoAclXattr, kOpts, kOptsAgent, kOursNoSkip };

// "ours", "baseline", "opts-noax", "opts", "opts-agent", "ours-noskip".
const char* SideId(Side side);
Result<Side> ParseSide(const std::string& id);
// How the report names a side.
const char* SideTitle(Side side);

// Where one data set is and how each side reaches it.
struct RunTarget {
  std::string claim;       // pvc/bench/<claim>/
  std::string volume_dir;  // its directory in the kubelet tree
  std::string dest;        // the destination, on the same disk
  // Ours: the digests of the run before, as the controller passes them
  // (empty for an initial copy).
  std::string previous_source_digest;
  std::string previous_destination_digest;
};

struct RunContext {
  const BenchServers* servers = nullptr;
  std::string agent_binary;
  std::string log_dir;
  mover::DestinationSupport support;  // what the destination keeps (probed once)
  // The running client's pid while a sync runs (0 otherwise), for the
  // driver's interrupt handler.
  std::atomic<pid_t>* running_client = nullptr;
};

struct RunMeasure {
  double wall_s = 0;
  double mover_cpu_s = 0;
  double agent_cpu_s = 0;
  TreeMemory mover_memory;
  TreeMemory agent_memory;
  // From the pull's result (ours and ours-noskip only).
  std::int64_t files_transferred = -1;
  bool unchanged = false;  // the transfer was skipped
  std::string source_digest;
  std::string destination_digest;
};

// Runs `side` once from `target.volume_dir` into `target.dest` (which the
// caller prepared). `label` names its log file. Fails when the client
// fails, naming the side and quoting the log's end.
Result<RunMeasure> TimedRun(const RunContext& context, Side side, const RunTarget& target,
                            const std::string& label);

}  // namespace drs::bench
