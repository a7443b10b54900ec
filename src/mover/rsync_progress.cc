#include "mover/rsync_progress.h"

#include <dirent.h>
#include <sys/stat.h>

#include <charconv>
#include <set>
#include <string_view>
#include <tuple>
#include <vector>

#include "base/file_util.h"
#include "base/go_duration.h"
#include "base/logging.h"

namespace drs::mover {
namespace {

// /proc/<pid>/stat, io and children are a few hundred bytes; anything
// longer is not the file we mean.
constexpr std::size_t kMaxProcFileBytes = 64 * 1024;
// rsync, ssh and the receiver; the bound only keeps a strange tree (or a
// synthetic one with a loop) from costing more than a glance.
constexpr std::size_t kMaxTreeProcesses = 64;
// Fields of /proc/<pid>/stat after "pid (comm) ", counted from 0 at the
// state field (proc(5) numbers them from 1 at pid, state being 3).
constexpr std::size_t kPpidField = 1;        // 4 ppid
constexpr std::size_t kStartTimeField = 19;  // 22 starttime

struct ProcessStat {
  std::string comm;
  pid_t ppid = 0;
  std::uint64_t start_time = 0;
};

struct ProcessCounters {
  std::int64_t rchar = 0;
  std::int64_t wchar = 0;
};

template <typename T>
std::optional<T> ParseNumber(std::string_view text) {
  T value{};
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return value;
}

std::vector<std::string_view> Words(std::string_view text) {
  std::vector<std::string_view> words;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    const std::size_t start = i;
    while (i < text.size() && text[i] != ' ' && text[i] != '\n') ++i;
    if (i > start) words.push_back(text.substr(start, i - start));
  }
  return words;
}

std::optional<std::string> ReadProcFile(const std::string& path) {
  auto text = ReadFileToString(path, kMaxProcFileBytes);
  if (!text.ok()) return std::nullopt;
  return std::move(*text);
}

std::string PidDir(const std::string& proc_dir, pid_t pid) {
  return proc_dir + "/" + std::to_string(pid);
}

std::optional<ProcessStat> ReadStat(const std::string& proc_dir, pid_t pid) {
  const auto text = ReadProcFile(PidDir(proc_dir, pid) + "/stat");
  if (!text) return std::nullopt;
  // The command name is in parentheses and may itself contain ')' or spaces.
  const std::size_t open = text->find('(');
  const std::size_t close = text->rfind(')');
  if (open == std::string::npos || close == std::string::npos || close < open) return std::nullopt;
  const std::vector<std::string_view> fields = Words(std::string_view(*text).substr(close + 1));
  if (fields.size() <= kStartTimeField) return std::nullopt;
  const auto ppid = ParseNumber<pid_t>(fields[kPpidField]);
  const auto start_time = ParseNumber<std::uint64_t>(fields[kStartTimeField]);
  if (!ppid || !start_time) return std::nullopt;
  return ProcessStat{text->substr(open + 1, close - open - 1), *ppid, *start_time};
}

// "rchar: 123\nwchar: 45\n..."; empty unless both are there.
std::optional<ProcessCounters> ReadCounters(const std::string& proc_dir, pid_t pid) {
  const auto text = ReadProcFile(PidDir(proc_dir, pid) + "/io");
  if (!text) return std::nullopt;
  std::optional<std::int64_t> rchar;
  std::optional<std::int64_t> wchar;
  const std::vector<std::string_view> words = Words(*text);
  for (std::size_t i = 0; i + 1 < words.size(); ++i) {
    if (words[i] == "rchar:") rchar = ParseNumber<std::int64_t>(words[i + 1]);
    if (words[i] == "wchar:") wchar = ParseNumber<std::int64_t>(words[i + 1]);
  }
  if (!rchar || !wchar) return std::nullopt;
  return ProcessCounters{*rchar, *wchar};
}

bool IsDirectory(const std::string& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

// Finds a process's children for one sample: from its children file, or,
// on a kernel without one, from the parents of every process in `proc_dir`
// (scanned once per sample, when first needed).
class ChildFinder {
 public:
  explicit ChildFinder(const std::string& proc_dir) : proc_dir_(proc_dir) {}

  std::vector<pid_t> Of(pid_t pid) {
    const std::string task_dir = PidDir(proc_dir_, pid) + "/task/" + std::to_string(pid);
    if (const auto text = ReadProcFile(task_dir + "/children")) {
      std::vector<pid_t> children;
      for (std::string_view word : Words(*text)) {
        if (const auto child = ParseNumber<pid_t>(word)) children.push_back(*child);
      }
      return children;
    }
    if (!IsDirectory(task_dir)) return {};  // the process is gone
    if (!by_parent_) ScanParents();
    const auto [first, last] = by_parent_->equal_range(pid);
    std::vector<pid_t> children;
    for (auto it = first; it != last; ++it) children.push_back(it->second);
    return children;
  }

 private:
  void ScanParents() {
    by_parent_.emplace();
    DIR* dir = ::opendir(proc_dir_.c_str());
    if (dir == nullptr) return;
    while (const dirent* entry = ::readdir(dir)) {
      const auto pid = ParseNumber<pid_t>(entry->d_name);
      if (!pid) continue;
      if (const auto stat = ReadStat(proc_dir_, *pid)) by_parent_->emplace(stat->ppid, *pid);
    }
    ::closedir(dir);
  }

  const std::string& proc_dir_;
  std::optional<std::multimap<pid_t, pid_t>> by_parent_;
};

std::int64_t PerSecond(std::int64_t bytes, Clock::Duration over) {
  const double seconds = std::chrono::duration<double>(over).count();
  if (seconds <= 0 || bytes <= 0) return 0;
  return static_cast<std::int64_t>(static_cast<double>(bytes) / seconds);
}

std::chrono::milliseconds Millis(Clock::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d);
}

}  // namespace

std::optional<TransferIo> TransferIoReader::Read() {
  const auto client = ReadStat(proc_dir_, client_pid_);
  if (!client) return std::nullopt;
  // Once rsync is reaped its pid may be reused: never read a stranger's tree.
  if (client_start_time_ && *client_start_time_ != client->start_time) return std::nullopt;
  client_start_time_ = client->start_time;

  ChildFinder children(proc_dir_);
  std::vector<pid_t> pending = children.Of(client_pid_);
  std::set<pid_t> visited = {client_pid_};
  while (!pending.empty() && visited.size() < kMaxTreeProcesses) {
    const pid_t pid = pending.back();
    pending.pop_back();
    if (!visited.insert(pid).second) continue;
    const auto stat = ReadStat(proc_dir_, pid);
    if (!stat) continue;  // exited since its parent listed it
    for (pid_t child : children.Of(pid)) pending.push_back(child);
    if (stat->comm != client->comm) continue;  // ssh, not the receiver
    const auto counters = ReadCounters(proc_dir_, pid);
    if (!counters) continue;
    receivers_[{pid, stat->start_time}] = {.received = counters->rchar, .written = counters->wchar};
  }
  TransferIo io;
  for (const auto& [id, counters] : receivers_) {
    io.received += counters.received;
    io.written += counters.written;
  }
  return io;
}

void LogProgress(const std::string& volume, const ProgressLine& line) {
  static const auto log = GetLogger("mover");
  // Tenths of a second: enough for a person, short enough to read.
  const auto elapsed =
      std::chrono::round<std::chrono::duration<std::int64_t, std::deci>>(line.elapsed);
  std::vector<LogField> fields = {
      {"volume", volume},
      {"elapsed", FormatGoDuration(std::chrono::duration_cast<GoDuration>(elapsed))},
      {"bytesReceived", std::to_string(line.io.received)},
      {"bytesWritten", std::to_string(line.io.written)},
      {"bytesPerSecond", std::to_string(line.bytes_per_second)}};
  switch (line.kind) {
    case ProgressLine::Kind::kSample:
      break;
    case ProgressLine::Kind::kFinal:
      fields.emplace_back("final", "rsync-stats");
      break;
    case ProgressLine::Kind::kFinalLastSample:
      fields.emplace_back("final", "last-sample");
      break;
  }
  log->info(Fields("transfer progress", fields));
}

void ProgressMonitor::Start(pid_t client_pid) {
  started_ = options_.clock->Now();
  reader_.emplace(options_.proc_dir, client_pid);
  sampler_ = std::jthread([this](std::stop_token stop) { SampleLoop(stop); });
}

void ProgressMonitor::SampleLoop(const std::stop_token& stop) {
  Clock& clock = *options_.clock;
  auto next = started_ + options_.interval;
  while (clock.SleepUntil(next, stop)) {
    const auto now = clock.Now();
    next = now + options_.interval;
    const std::optional<TransferIo> io = reader_->Read();
    if (!io) continue;
    // The rate since the last sample read (or the start): a skipped sample
    // stretches the interval rather than losing its bytes.
    const auto [since, before] = last_.value_or(std::pair{started_, TransferIo{}});
    last_ = {now, *io};
    options_.report(
        ProgressLine{.kind = ProgressLine::Kind::kSample,
                     .elapsed = Millis(now - started_),
                     .io = *io,
                     .bytes_per_second = PerSecond(io->received - before.received, now - since)});
  }
}

void ProgressMonitor::Finish(std::optional<TransferIo> totals) {
  if (!sampler_.joinable()) return;
  sampler_.request_stop();
  sampler_.join();
  const auto now = options_.clock->Now();
  auto kind = ProgressLine::Kind::kFinal;
  auto counted_at = now;
  if (!totals && last_) {
    kind = ProgressLine::Kind::kFinalLastSample;
    std::tie(counted_at, totals) = *last_;
  }
  if (!totals) return;
  options_.report(
      ProgressLine{.kind = kind,
                   .elapsed = Millis(now - started_),
                   .io = *totals,
                   .bytes_per_second = PerSecond(totals->received, counted_at - started_)});
}

}  // namespace drs::mover
