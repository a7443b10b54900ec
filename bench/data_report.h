#pragma once
// data_bench's results: what was measured per data set and side, and the
// Markdown tables made of it — initial copy throughput, no-change re-sync
// time, where the difference to the baseline goes, and memory.
//
// Thread-safety: plain data and a printing function.

#include <map>
#include <string>
#include <vector>

#include "data_runs.h"
#include "data_sets.h"
#include "mover/rsync_command.h"

namespace drs::bench {

struct SideRuns {
  std::vector<RunMeasure> initial;  // one per repetition
  std::vector<RunMeasure> resync;   // empty unless the data set is re-synced
};

struct DataSetRuns {
  std::string name;
  RunTarget target;
  bool resync = false;  // also time a no-change re-sync after each copy
  // Each run copies into a new directory below target.dest (else target.dest
  // is emptied between runs); see data_bench.cc.
  bool fresh_destinations = false;
  TreeStats stats;  // of the source
  double warmup_read_s = 0;
  std::string load_before;
  std::string load_after;
  std::map<Side, SideRuns> runs;
};

struct Report {
  int reps = 0;
  std::vector<Side> sides;  // ours and baseline first
  std::string work;
  std::string load_start;
  std::string load_end;
  std::string tools;    // rsync and OpenSSH versions
  std::string sandbox;  // the agent's audit line of the last allowed pull
  mover::DestinationSupport support;
};

void PrintReport(const Report& report, const std::vector<DataSetRuns>& sets);

}  // namespace drs::bench
