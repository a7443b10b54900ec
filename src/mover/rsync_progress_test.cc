#include "mover/rsync_progress.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <condition_variable>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>

#include "base/fake_clock.h"
#include "base/logging.h"
#include "base/test_temp_dir.h"

namespace drs::mover {
namespace {

using std::chrono::seconds;
namespace fs = std::filesystem;

// A synthetic /proc: <dir>/<pid>/stat, io and task/<pid>/children.
class FakeProc {
 public:
  struct Process {
    pid_t pid;
    std::string comm;
    pid_t ppid;
    std::uint64_t start_time;
    std::int64_t rchar;
    std::int64_t wchar;
  };

  explicit FakeProc(bool children_files = true) : children_files_(children_files) {}
  const std::string& dir() const { return dir_.path(); }

  void Add(const Process& p) {
    const std::string task = PidDir(p.pid) + "/task/" + std::to_string(p.pid);
    fs::create_directories(task);
    // Real field layout (proc(5)): pid (comm) state ppid ... starttime is 22nd.
    Write(PidDir(p.pid) + "/stat", std::to_string(p.pid) + " (" + p.comm + ") S " +
                                       std::to_string(p.ppid) + " 7 7 0 -1 4194560 120 0 0 0 " +
                                       "3 1 0 0 20 0 1 0 " + std::to_string(p.start_time) +
                                       " 9076736 900 18446744073709551615\n");
    SetCounters(p.pid, p.rchar, p.wchar);
    processes_.push_back(p);
    WriteChildrenFiles();
  }

  void SetCounters(pid_t pid, std::int64_t rchar, std::int64_t wchar) {
    Write(PidDir(pid) + "/io", "rchar: " + std::to_string(rchar) +
                                   "\nwchar: " + std::to_string(wchar) +
                                   "\nsyscr: 10\nsyscw: 3\nread_bytes: 0\nwrite_bytes: 4096\n"
                                   "cancelled_write_bytes: 0\n");
  }

  void Remove(pid_t pid) {
    fs::remove_all(PidDir(pid));
    std::erase_if(processes_, [pid](const Process& p) { return p.pid == pid; });
    WriteChildrenFiles();
  }

  std::string PidDir(pid_t pid) const { return dir_.Join(std::to_string(pid)); }

 private:
  static void Write(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
  }
  void WriteChildrenFiles() {
    if (!children_files_) return;
    for (const Process& parent : processes_) {
      std::string children;
      for (const Process& p : processes_) {
        if (p.ppid == parent.pid) children += std::to_string(p.pid) + " ";
      }
      Write(PidDir(parent.pid) + "/task/" + std::to_string(parent.pid) + "/children", children);
    }
  }

  test::TempDir dir_;
  bool children_files_;
  std::vector<Process> processes_;
};

// The tree of a pull: the client, ssh, and the receiver (a fork of the
// client), beside an unrelated rsync. Only the receiver counts.
void AddPullTree(FakeProc& proc) {
  proc.Add({.pid = 100, .comm = "rsync", .ppid = 1, .start_time = 500, .rchar = 9, .wchar = 9});
  proc.Add({.pid = 101, .comm = "ssh", .ppid = 100, .start_time = 501, .rchar = 5000, .wchar = 7});
  proc.Add(
      {.pid = 102, .comm = "rsync", .ppid = 100, .start_time = 502, .rchar = 4900, .wchar = 4000});
  proc.Add({.pid = 200,
            .comm = "rsync",
            .ppid = 1,
            .start_time = 3,
            .rchar = 1 << 20,
            .wchar = 1 << 20});
}

TEST(TransferIoReaderTest, CountsWhatTheReceiverReadsAndWrites) {
  for (bool children_files : {true, false}) {
    FakeProc proc(children_files);
    AddPullTree(proc);
    TransferIoReader reader(proc.dir(), 100);
    EXPECT_EQ(reader.Read(), (TransferIo{.received = 4900, .written = 4000}))
        << "children files: " << children_files;
  }
}

TEST(TransferIoReaderTest, FollowsTheCountersAndKeepsWhatExitedProcessesDid) {
  FakeProc proc;
  AddPullTree(proc);
  TransferIoReader reader(proc.dir(), 100);
  ASSERT_TRUE(reader.Read().has_value());
  proc.SetCounters(101, 8000, 20);
  proc.SetCounters(102, 7900, 6500);
  EXPECT_EQ(reader.Read(), (TransferIo{.received = 7900, .written = 6500}));
  // rsync reaps the receiver at the end; what it did still counts.
  proc.Remove(102);
  EXPECT_EQ(reader.Read(), (TransferIo{.received = 7900, .written = 6500}));
  // A new process under a reused pid is another process.
  proc.Add({.pid = 102, .comm = "rsync", .ppid = 100, .start_time = 900, .rchar = 1, .wchar = 50});
  EXPECT_EQ(reader.Read(), (TransferIo{.received = 7901, .written = 6550}));
}

TEST(TransferIoReaderTest, UnreadableCountersAddWhatTheyHadWhenLastRead) {
  FakeProc proc;
  AddPullTree(proc);
  TransferIoReader reader(proc.dir(), 100);
  proc.SetCounters(102, 6000, 5000);
  ASSERT_EQ(reader.Read(), (TransferIo{.received = 6000, .written = 5000}));
  fs::remove(proc.PidDir(102) + "/io");
  EXPECT_EQ(reader.Read(), (TransferIo{.received = 6000, .written = 5000}));
}

TEST(TransferIoReaderTest, CommandNamesWithSpacesAndParentheses) {
  FakeProc proc;
  proc.Add({.pid = 10, .comm = "my rsync)", .ppid = 1, .start_time = 1, .rchar = 0, .wchar = 0});
  proc.Add({.pid = 11, .comm = "my rsync)", .ppid = 10, .start_time = 2, .rchar = 60, .wchar = 70});
  proc.Add({.pid = 12, .comm = "my rsync) ", .ppid = 10, .start_time = 2, .rchar = 8, .wchar = 8});
  TransferIoReader reader(proc.dir(), 10);
  EXPECT_EQ(reader.Read(), (TransferIo{.received = 60, .written = 70}));
}

TEST(TransferIoReaderTest, NothingOnceTheClientIsGoneOrItsPidReused) {
  FakeProc proc;
  AddPullTree(proc);
  TransferIoReader reader(proc.dir(), 100);
  ASSERT_TRUE(reader.Read().has_value());
  proc.Remove(100);
  EXPECT_FALSE(reader.Read().has_value());
  proc.Add({.pid = 100, .comm = "rsync", .ppid = 1, .start_time = 777, .rchar = 0, .wchar = 0});
  EXPECT_FALSE(reader.Read().has_value());
  EXPECT_FALSE(TransferIoReader(proc.dir() + "/missing", 100).Read().has_value());
}

// Children of this test process that do some I/O, then wait until they
// are released (when this object dies, whatever the test's outcome).
class Workers {
 public:
  Workers() {
    if (::pipe2(release_, O_CLOEXEC) != 0) release_[0] = release_[1] = -1;
  }
  ~Workers() {
    ::close(release_[1]);
    ::close(release_[0]);
    for (pid_t pid : pids_) {
      int status = 0;
      ::waitpid(pid, &status, 0);
    }
  }
  Workers(const Workers&) = delete;
  Workers& operator=(const Workers&) = delete;

  bool ok() const { return release_[0] >= 0; }

  // Forks a child that optionally renames itself, reads `read_bytes` from
  // /dev/zero, writes `write_bytes` to /dev/null, and waits. Only
  // async-signal-safe calls in the child.
  pid_t Fork(const char* name, std::size_t read_bytes, std::size_t write_bytes) {
    const pid_t pid = ::fork();
    if (pid > 0) pids_.push_back(pid);
    if (pid != 0) return pid;
    ::prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0);
    ::close(release_[1]);  // else the wait below never ends
    if (name != nullptr) ::prctl(PR_SET_NAME, name, 0, 0, 0);
    static char buf[4096];
    const int zero = ::open("/dev/zero", O_RDONLY);
    const int null = ::open("/dev/null", O_WRONLY);
    for (std::size_t done = 0; done < read_bytes;) {
      const ssize_t n = ::read(zero, buf, std::min(sizeof(buf), read_bytes - done));
      if (n <= 0) ::_exit(1);
      done += static_cast<std::size_t>(n);
    }
    for (std::size_t done = 0; done < write_bytes;) {
      const ssize_t n = ::write(null, buf, std::min(sizeof(buf), write_bytes - done));
      if (n <= 0) ::_exit(1);
      done += static_cast<std::size_t>(n);
    }
    char byte = 0;
    while (::read(release_[0], &byte, 1) > 0) {
    }
    ::_exit(0);
  }

 private:
  int release_[2];
  std::vector<pid_t> pids_;
};

// wchar from /proc/<pid>/io; -1 if it cannot be read.
std::int64_t WrittenChars(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/io");
  std::string key;
  std::int64_t value = 0;
  while (in >> key >> value) {
    if (key == "wchar:") return value;
  }
  return -1;
}

TEST(TransferIoReaderTest, ReadsTheRealProc) {
  constexpr std::size_t kRead = 123456;
  constexpr std::size_t kWritten = 7777;
  Workers workers;
  ASSERT_TRUE(workers.ok());
  // This process plays the rsync client: a child with the same name is the
  // receiver, one with another name the remote shell, which must not count.
  const pid_t shell = workers.Fork("fake-ssh", 3 * kRead, 3 * kWritten);
  ASSERT_GT(shell, 0);
  ASSERT_GT(workers.Fork(nullptr, kRead, kWritten), 0);

  // The children's counters start at zero at the fork; they have done
  // their I/O once they reach these numbers.
  TransferIoReader reader("/proc", ::getpid());
  std::optional<TransferIo> io;
  const auto deadline = std::chrono::steady_clock::now() + seconds(30);
  while (std::chrono::steady_clock::now() < deadline) {
    io = reader.Read();
    if (io && io->received >= std::int64_t{kRead} && io->written >= std::int64_t{kWritten} &&
        WrittenChars(shell) >= std::int64_t{3 * kWritten}) {
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));  // between polls
  }
  ASSERT_TRUE(io.has_value());
  EXPECT_EQ(*io, (TransferIo{.received = std::int64_t{kRead}, .written = std::int64_t{kWritten}}));
}

// Collects reported lines; WaitFor blocks until there are `n`.
class Reports {
 public:
  std::function<void(const ProgressLine&)> Sink() {
    return [this](const ProgressLine& line) {
      std::lock_guard lock(mu_);
      lines_.push_back(line);
      cv_.notify_all();
    };
  }
  // The lines once there are at least `n`, or what there is after 30 s.
  std::vector<ProgressLine> WaitFor(std::size_t n) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, seconds(30), [&] { return lines_.size() >= n; });
    return lines_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<ProgressLine> lines_;
};

struct MonitorFixture {
  FakeClock clock;
  FakeProc proc;
  Reports reports;
  ProgressMonitor monitor{
      {.clock = &clock, .interval = seconds(10), .proc_dir = proc.dir(), .report = reports.Sink()}};
};

TEST(ProgressMonitorTest, SamplesAfterEachIntervalAndEndsWithRsyncsTotals) {
  MonitorFixture f;
  AddPullTree(f.proc);
  f.monitor.Start(100);
  f.clock.WaitForSleepers(1);
  // The sampler sleeps until a full interval has passed.
  f.clock.Advance(seconds(9));
  f.clock.Advance(seconds(1));
  auto lines = f.reports.WaitFor(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (ProgressLine{.elapsed = seconds(10),
                                    .io = {.received = 4900, .written = 4000},
                                    .bytes_per_second = 490}));

  f.proc.SetCounters(102, 24000, 21000);
  f.clock.Advance(seconds(10));
  lines = f.reports.WaitFor(2);
  ASSERT_EQ(lines.size(), 2u);
  // The rate is over the last interval only.
  EXPECT_EQ(lines[1], (ProgressLine{.elapsed = seconds(20),
                                    .io = {.received = 24000, .written = 21000},
                                    .bytes_per_second = 1910}));

  f.clock.Advance(seconds(5));
  f.monitor.Finish(TransferIo{.received = 24750, .written = 22000});
  lines = f.reports.WaitFor(3);
  ASSERT_EQ(lines.size(), 3u);
  EXPECT_EQ(lines[2], (ProgressLine{.kind = ProgressLine::Kind::kFinal,
                                    .elapsed = seconds(25),
                                    .io = {.received = 24750, .written = 22000},
                                    .bytes_per_second = 990}));
}

TEST(ProgressMonitorTest, SkipsSamplesItCannotReadAndEndsWithTheLastOne) {
  MonitorFixture f;
  AddPullTree(f.proc);
  f.monitor.Start(100);
  f.clock.WaitForSleepers(1);
  f.clock.Advance(seconds(10));
  ASSERT_EQ(f.reports.WaitFor(1).size(), 1u);
  f.proc.Remove(100);
  f.clock.Advance(seconds(10));
  f.clock.Advance(seconds(3));
  // Finish joins the sampler, so the sample due at 20 s has been tried.
  f.monitor.Finish(std::nullopt);
  const auto lines = f.reports.WaitFor(2);
  ASSERT_EQ(lines.size(), 2u);
  // The numbers are the last sample's, and so is the time of the rate.
  EXPECT_EQ(lines[1], (ProgressLine{.kind = ProgressLine::Kind::kFinalLastSample,
                                    .elapsed = seconds(23),
                                    .io = {.received = 4900, .written = 4000},
                                    .bytes_per_second = 490}));
}

TEST(ProgressMonitorTest, AShortPassLogsOnlyItsFinalLine) {
  MonitorFixture f;
  AddPullTree(f.proc);
  f.monitor.Start(100);
  f.clock.WaitForSleepers(1);
  f.clock.Advance(seconds(2));
  f.monitor.Finish(TransferIo{.received = 300, .written = 100});
  const auto lines = f.reports.WaitFor(1);
  ASSERT_EQ(lines.size(), 1u);
  EXPECT_EQ(lines[0], (ProgressLine{.kind = ProgressLine::Kind::kFinal,
                                    .elapsed = seconds(2),
                                    .io = {.received = 300, .written = 100},
                                    .bytes_per_second = 150}));
}

TEST(ProgressMonitorTest, NothingToReportWithoutASampleOrTotals) {
  MonitorFixture f;
  f.monitor.Finish(TransferIo{.received = 1, .written = 1});  // never started
  AddPullTree(f.proc);
  f.monitor.Start(100);
  f.clock.WaitForSleepers(1);
  f.clock.Advance(seconds(3));
  f.monitor.Finish(std::nullopt);
  EXPECT_TRUE(f.reports.WaitFor(0).empty());
}

TEST(ProgressMonitorTest, LogsTheLineWithItsFields) {
  std::ostringstream logs;
  auto logger = GetLogger("mover");
  logger->sinks().push_back(std::make_shared<spdlog::sinks::ostream_sink_mt>(logs));
  LogProgress("pvc/shop/data/", {.kind = ProgressLine::Kind::kSample,
                                 .elapsed = std::chrono::milliseconds(80'049),
                                 .io = {.received = 1234, .written = 1000},
                                 .bytes_per_second = 15});
  LogProgress("pvc/shop/data/", {.kind = ProgressLine::Kind::kFinalLastSample,
                                 .elapsed = std::chrono::milliseconds(400),
                                 .io = {.received = 1, .written = 2},
                                 .bytes_per_second = 3});
  logger->flush();
  logger->sinks().pop_back();
  EXPECT_THAT(logs.str(),
              ::testing::HasSubstr("transfer progress volume=pvc/shop/data/ elapsed=1m20s "
                                   "bytesReceived=1234 bytesWritten=1000 bytesPerSecond=15\n"));
  EXPECT_THAT(logs.str(), ::testing::HasSubstr("elapsed=400ms bytesReceived=1 bytesWritten=2 "
                                               "bytesPerSecond=3 final=last-sample\n"));
}

}  // namespace
}  // namespace drs::mover
