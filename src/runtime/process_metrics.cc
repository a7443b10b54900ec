#include "runtime/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <limits>
#include <memory>
#include <string>

#include "base/file_util.h"

namespace drs::runtime {
namespace {

// Positions in /proc/<pid>/stat counted from field 3 (the first after the
// command name), per proc(5): utime is field 14, so index 14 - 3.
constexpr std::size_t kFirstFieldAfterComm = 3;
constexpr std::size_t kUtimeIndex = 14 - kFirstFieldAfterComm;
constexpr std::size_t kStimeIndex = 15 - kFirstFieldAfterComm;
constexpr std::size_t kStartTimeIndex = 22 - kFirstFieldAfterComm;
constexpr std::size_t kVsizeIndex = 23 - kFirstFieldAfterComm;
constexpr std::size_t kRssIndex = 24 - kFirstFieldAfterComm;

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> fields;
  std::size_t pos = 0;
  while (pos < text.size()) {
    while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\n')) {
      ++pos;
    }
    const std::size_t start = pos;
    while (pos < text.size() && text[pos] != ' ' && text[pos] != '\n') {
      ++pos;
    }
    if (pos > start) {
      fields.push_back(text.substr(start, pos - start));
    }
  }
  return fields;
}

template <typename T>
bool ParseNumber(std::string_view text, T& out) {
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && end == text.data() + text.size();
}

MetricFamilySnapshot Single(std::string name, std::string help, MetricType type, double value) {
  return {.name = std::move(name),
          .help = std::move(help),
          .type = type,
          .samples = {{.suffix = "", .labels = {}, .value = value}}};
}

// Entries in /proc/self/fd, the descriptor used to list them included (as
// client_golang counts).
Result<std::size_t> CountOpenFds() {
  std::error_code ec;
  std::filesystem::directory_iterator it("/proc/self/fd", ec);
  if (ec) {
    return UnavailableError("cannot list /proc/self/fd: " + ec.message());
  }
  std::size_t count = 0;
  for (; it != std::filesystem::directory_iterator(); it.increment(ec)) {
    if (ec) {
      return UnavailableError("cannot list /proc/self/fd: " + ec.message());
    }
    ++count;
  }
  return count;
}

void CollectStat(std::vector<MetricFamilySnapshot>& out) {
  auto text = ReadFileToString("/proc/self/stat");
  if (!text.ok()) {
    return;
  }
  auto stat = ParseProcStat(*text);
  if (!stat.ok()) {
    return;
  }
  const auto ticks_per_second = static_cast<double>(::sysconf(_SC_CLK_TCK));
  const auto page_size = static_cast<double>(::sysconf(_SC_PAGESIZE));
  out.push_back(
      Single("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
             MetricType::kCounter,
             static_cast<double>(stat->utime_ticks + stat->stime_ticks) / ticks_per_second));
  out.push_back(Single("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                       MetricType::kGauge, static_cast<double>(stat->vsize_bytes)));
  out.push_back(Single("process_resident_memory_bytes", "Resident memory size in bytes.",
                       MetricType::kGauge, static_cast<double>(stat->rss_pages) * page_size));
  auto proc_stat = ReadFileToString("/proc/stat");
  if (!proc_stat.ok()) {
    return;
  }
  auto boot_time = ParseBootTime(*proc_stat);
  if (!boot_time.ok()) {
    return;
  }
  out.push_back(Single("process_start_time_seconds",
                       "Start time of the process since unix epoch in seconds.", MetricType::kGauge,
                       static_cast<double>(*boot_time) +
                           static_cast<double>(stat->start_time_ticks) / ticks_per_second));
}

}  // namespace

Result<ProcStat> ParseProcStat(std::string_view text) {
  const auto comm_end = text.rfind(')');
  if (comm_end == std::string_view::npos) {
    return InvalidError("/proc stat: no command name");
  }
  const auto fields = SplitSpaces(text.substr(comm_end + 1));
  if (fields.size() <= kRssIndex) {
    return InvalidError("/proc stat: " + std::to_string(fields.size()) + " fields after the name");
  }
  ProcStat stat;
  if (!ParseNumber(fields[kUtimeIndex], stat.utime_ticks) ||
      !ParseNumber(fields[kStimeIndex], stat.stime_ticks) ||
      !ParseNumber(fields[kStartTimeIndex], stat.start_time_ticks) ||
      !ParseNumber(fields[kVsizeIndex], stat.vsize_bytes) ||
      !ParseNumber(fields[kRssIndex], stat.rss_pages)) {
    return InvalidError("/proc stat: a field is not a number");
  }
  return stat;
}

Result<std::int64_t> ParseBootTime(std::string_view proc_stat) {
  constexpr std::string_view kPrefix = "btime ";
  std::size_t pos = 0;
  while (pos < proc_stat.size()) {
    auto end = proc_stat.find('\n', pos);
    if (end == std::string_view::npos) {
      end = proc_stat.size();
    }
    const auto line = proc_stat.substr(pos, end - pos);
    if (line.starts_with(kPrefix)) {
      std::int64_t seconds = 0;
      if (!ParseNumber(line.substr(kPrefix.size()), seconds)) {
        return InvalidError("/proc/stat: btime is not a number");
      }
      return seconds;
    }
    pos = end + 1;
  }
  return NotFoundError("/proc/stat: no btime line");
}

void ProcessCollector::Collect(std::vector<MetricFamilySnapshot>& out) const {
  CollectStat(out);
  if (auto fds = CountOpenFds(); fds.ok()) {
    out.push_back(Single("process_open_fds", "Number of open file descriptors.", MetricType::kGauge,
                         static_cast<double>(*fds)));
  }
  rlimit limit{};
  if (::getrlimit(RLIMIT_NOFILE, &limit) == 0) {
    const double max_fds = limit.rlim_cur == RLIM_INFINITY ? std::numeric_limits<double>::infinity()
                                                           : static_cast<double>(limit.rlim_cur);
    out.push_back(Single("process_max_fds", "Maximum number of open file descriptors.",
                         MetricType::kGauge, max_fds));
  }
}

void RegisterProcessMetrics(Registry& registry) {
  registry.AddCollector(std::make_unique<ProcessCollector>());
}

}  // namespace drs::runtime
