#pragma once
// The standard process_* metrics every Prometheus client exports, read from
// /proc when scraped (Linux only, like client_golang's process collector):
// process_cpu_seconds_total, process_resident_memory_bytes,
// process_virtual_memory_bytes, process_open_fds, process_max_fds,
// process_start_time_seconds. A file that cannot be read leaves its metrics
// out of that scrape rather than failing it.
//
// Thread-safety: thread-safe (stateless after construction).

#include <cstdint>
#include <string_view>
#include <vector>

#include "base/result.h"
#include "runtime/metrics.h"

namespace drs::runtime {

// The fields of /proc/<pid>/stat the collector needs, in raw units.
struct ProcStat {
  std::uint64_t utime_ticks = 0;       // field 14
  std::uint64_t stime_ticks = 0;       // field 15
  std::uint64_t start_time_ticks = 0;  // field 22: clock ticks after boot
  std::uint64_t vsize_bytes = 0;       // field 23
  std::int64_t rss_pages = 0;          // field 24
};

// Parses /proc/<pid>/stat. The command name (field 2) may hold spaces and
// parentheses, so fields are counted from its last ')'.
Result<ProcStat> ParseProcStat(std::string_view text);
// The "btime" line of /proc/stat: boot time in seconds since the epoch.
Result<std::int64_t> ParseBootTime(std::string_view proc_stat);

class ProcessCollector final : public Collector {
 public:
  void Collect(std::vector<MetricFamilySnapshot>& out) const override;
};

// Adds a ProcessCollector to `registry`.
void RegisterProcessMetrics(Registry& registry);

}  // namespace drs::runtime
