#include "process_tree.h"

#include <dirent.h>
#include <poll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <set>
#include <sstream>

#include "base/unique_fd.h"

namespace drs::bench {
namespace {

// Fields of /proc/<pid>/stat after "pid (comm) ", counted from 0 at the
// state field (proc(5) numbers them from 1 at pid: state is 3).
constexpr std::size_t kPpidField = 1;       // 4 ppid
constexpr std::size_t kUtimeField = 11;     // 14 utime
constexpr std::size_t kCstimeField = 14;    // 17 cstime; utime..cstime are adjacent
constexpr std::size_t kRssPagesField = 21;  // 24 rss
constexpr auto kNoPidfdPause = std::chrono::milliseconds(1);

bool ParseStat(pid_t pid, const std::string& text, ProcStat& out) {
  const auto open = text.find('(');
  const auto close = text.rfind(')');  // comm may itself contain ')'
  if (open == std::string::npos || close == std::string::npos || close < open) return false;
  out.pid = pid;
  out.comm = text.substr(open + 1, close - open - 1);
  std::istringstream rest(text.substr(close + 2));
  std::vector<std::string> fields{std::istream_iterator<std::string>(rest),
                                  std::istream_iterator<std::string>()};
  if (fields.size() <= kRssPagesField) return false;
  static const double ticks_per_s = static_cast<double>(sysconf(_SC_CLK_TCK));
  static const std::int64_t page_bytes = sysconf(_SC_PAGESIZE);
  out.ppid = static_cast<pid_t>(std::stol(fields[kPpidField]));
  double ticks = 0;
  for (std::size_t f = kUtimeField; f <= kCstimeField; ++f) ticks += std::stod(fields[f]);
  out.cpu_with_reaped_children_s = ticks / ticks_per_s;
  out.rss_bytes = std::stoll(fields[kRssPagesField]) * page_bytes;
  return true;
}

}  // namespace

bool WaitForExit(ChildProcess& child, std::chrono::milliseconds timeout) {
  if (child.TryReap()) return true;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  UniqueFd pidfd(static_cast<int>(::syscall(SYS_pidfd_open, child.pid(), 0)));
  while (!child.TryReap()) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return false;
    if (pidfd.valid()) {
      pollfd wait{.fd = pidfd.get(), .events = POLLIN, .revents = 0};
      ::poll(&wait, 1, static_cast<int>(left.count()));
    } else {
      // No pidfd (a kernel before 5.3): a short poll instead.
      std::this_thread::sleep_for(std::min(left, kNoPidfdPause));
    }
  }
  return true;
}

std::vector<ProcStat> ReadAllProcesses() {
  std::vector<ProcStat> all;
  DIR* proc = opendir("/proc");
  if (proc == nullptr) return all;
  while (const dirent* entry = readdir(proc)) {
    char* end = nullptr;
    const long pid = std::strtol(entry->d_name, &end, 10);
    if (end == entry->d_name || *end != '\0') continue;
    std::ifstream in(std::string("/proc/") + entry->d_name + "/stat");
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    ProcStat stat;
    if (!text.empty() && ParseStat(static_cast<pid_t>(pid), text, stat)) all.push_back(stat);
  }
  closedir(proc);
  return all;
}

std::vector<ProcStat> TreeOf(const std::vector<ProcStat>& all, pid_t root) {
  std::set<pid_t> members = {root};
  std::vector<ProcStat> tree;
  // Parents may be listed after their children: repeat until nothing joins.
  for (bool grew = true; grew;) {
    grew = false;
    for (const ProcStat& p : all) {
      if (p.pid != root && members.contains(p.ppid) && !members.contains(p.pid)) {
        members.insert(p.pid);
        grew = true;
      }
    }
  }
  for (const ProcStat& p : all) {
    if (members.contains(p.pid)) tree.push_back(p);
  }
  return tree;
}

double TreeCpuSeconds(pid_t root) {
  double total = 0;
  for (const ProcStat& p : TreeOf(ReadAllProcesses(), root)) total += p.cpu_with_reaped_children_s;
  return total;
}

std::size_t TreeSize(pid_t root) { return TreeOf(ReadAllProcesses(), root).size(); }

PeakTreeSampler::PeakTreeSampler(std::vector<pid_t> roots, std::chrono::milliseconds interval)
    : roots_(std::move(roots)), peaks_(roots_.size()) {
  thread_ = std::jthread([this, interval](std::stop_token stop) {
    std::mutex pause_mutex;
    std::condition_variable_any pause;
    while (!stop.stop_requested()) {
      Sample();
      std::unique_lock lock(pause_mutex);
      pause.wait_for(lock, stop, interval, [] { return false; });
    }
  });
}

PeakTreeSampler::~PeakTreeSampler() { thread_.request_stop(); }

std::vector<TreeMemory> PeakTreeSampler::Finish() {
  thread_.request_stop();
  if (thread_.joinable()) thread_.join();
  Sample();
  std::lock_guard lock(mutex_);
  return peaks_;
}

void PeakTreeSampler::Sample() {
  const std::vector<ProcStat> all = ReadAllProcesses();
  std::lock_guard lock(mutex_);
  for (std::size_t i = 0; i < roots_.size(); ++i) {
    TreeMemory now;
    for (const ProcStat& p : TreeOf(all, roots_[i])) {
      now.rss_bytes += p.rss_bytes;
      now.by_command[p.comm] += p.rss_bytes;
      ++now.processes_by_command[p.comm];
    }
    if (now.rss_bytes > peaks_[i].rss_bytes) peaks_[i] = std::move(now);
  }
}

}  // namespace drs::bench
