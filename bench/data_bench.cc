// data_bench: the PVC data path — `dr-syncer-agent pull` through a real
// `dr-syncer-agent run` (its sshd, the gate, Landlock) — against plain
// `rsync -a -e ssh` through a plain sshd, between the same directories on
// this machine, in the same run (docs/performance.md, "PVC data path").
//
// Two data sets are written into CSI volume directories of a kubelet pods
// tree on the local disk (--work): `large` (--large-files random files,
// --large-mib in all) and `small` (--small-files files of 1-8 KiB in nested
// directories). Every source file is read once before the first timing, so
// all sides start from the same warm page cache; caches are never dropped.
// Then each side (data_runs.h) syncs a tiny volume once, untimed, to load
// its programs and prove it works.
//
// Per data set and repetition, each side in turn (the order rotates every
// repetition) gets an empty destination, copies the data set into it
// (initial copy; the result's file, directory and byte counts are checked),
// and, for the small set, syncs again with nothing changed (no-change
// re-sync). `sync` runs before every timing so the last run's writeback does
// not fall on the next. Ratios are medians of per-repetition ratios.
//
// The large set's destination is emptied between runs; each small-set run
// gets a directory of its own, all removed at the end. On an ext4 without a
// journal (this machine's root) a new inode is never one freed in the last
// 60 s (5 min while its table block is dirty), and finding one means
// skipping every such inode (ext4's recently_deleted()): creating 100,000
// files right after deleting 100,000 others cost 2-5 times the CPU, by how
// long ago the deletion was. An emptied destination would have measured that.
//
// Needs root (sshd; root logins keep ownership, as the agent runs), sshd,
// ssh, ssh-keygen and rsync. Prints Markdown tables.

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <map>
#include <mutex>
#include <thread>

#include "base/file_util.h"
#include "base/logging.h"
#include "base/subprocess.h"
#include "bench_support.h"
#include "data_report.h"
#include "data_runs.h"
#include "data_sets.h"
#include "mover/destination_dir.h"

namespace drs::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::uint64_t kSmallFilesSeed = 20261126;
constexpr int kWarmupFiles = 20;
constexpr std::int64_t kMiB = std::int64_t{1} << 20;
// On an interrupt the agent gets 10 s to stop its sshd.
constexpr int kInterruptWaitPolls = 100;
constexpr auto kInterruptPollPause = std::chrono::milliseconds(100);
const char* const kPodUid = "bench-pod-uid";

// Filled in as soon as they exist, for the interrupt handler.
std::atomic<pid_t> g_running_client{0};
std::atomic<pid_t> g_agent{0};
std::atomic<pid_t> g_plain_sshd{0};
std::mutex g_cleanup_mutex;
std::vector<std::string> g_dirs_to_remove;  // guarded by g_cleanup_mutex

void RemoveOnInterrupt(const std::string& dir) {
  std::lock_guard lock(g_cleanup_mutex);
  g_dirs_to_remove.push_back(dir);
}

// SIGINT/SIGTERM/SIGHUP: the servers and the client run in process groups
// of their own, so a Ctrl-C reaches only us. End them, remove our
// directories, exit.
void HandleInterrupts() {
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGHUP}) sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::thread([signals] {
    int received = 0;
    sigwait(&signals, &received);
    std::cerr << "data_bench: interrupted, stopping the servers" << std::endl;
    if (pid_t client = g_running_client.load(); client > 0) ::kill(-client, SIGKILL);
    if (pid_t sshd = g_plain_sshd.load(); sshd > 0) ::kill(-sshd, SIGTERM);
    if (pid_t agent = g_agent.load(); agent > 0) {
      ::kill(agent, SIGTERM);  // it ends its sshd's process group itself
      for (int i = 0; i < kInterruptWaitPolls; ++i) {
        int status = 0;
        if (::waitpid(agent, &status, WNOHANG) != 0) break;
        std::this_thread::sleep_for(kInterruptPollPause);
      }
    }
    std::lock_guard lock(g_cleanup_mutex);
    std::error_code ignored;
    for (const std::string& dir : g_dirs_to_remove) fs::remove_all(dir, ignored);
    _exit(128 + received);
  }).detach();
}

std::vector<std::string> SplitList(const std::string& text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  for (std::size_t comma; (comma = text.find(',', start)) != std::string::npos; start = comma + 1) {
    out.push_back(text.substr(start, comma - start));
  }
  out.push_back(text.substr(start));
  return out;
}

// "rsync 3.5.0, OpenSSH_9.2p1 ...": the first line each prints.
std::string ToolVersions() {
  std::string out;
  for (const auto& argv :
       {std::vector<std::string>{"rsync", "--version"}, std::vector<std::string>{"ssh", "-V"}}) {
    auto ran = RunProcess({.argv = argv, .timeout = std::chrono::seconds(10)}, {});
    if (!ran.ok()) continue;
    std::string text = ran->stdout_data.empty() ? ran->stderr_data : ran->stdout_data;
    text = text.substr(0, text.find('\n'));
    // rsync pads its line with double spaces.
    for (std::size_t at; (at = text.find("  ")) != std::string::npos;) text.erase(at, 1);
    out += (out.empty() ? "" : ", ") + text;
  }
  return out;
}

std::string LoadAverage() {
  std::ifstream in("/proc/loadavg");
  std::string one, five, fifteen;
  in >> one >> five >> fifteen;
  return one + " " + five + " " + fifteen;
}

struct Layout {
  std::string work;
  std::string pods;
  std::string dest;
  std::string logs;
  std::string VolumeDir(const std::string& pv) const {
    return pods + "/" + kPodUid + "/volumes/kubernetes.io~csi/" + pv + "/mount";
  }
  // Beside the volume directory, never synced: what the data set was made as.
  std::string Marker(const std::string& pv) const {
    return pods + "/" + kPodUid + "/volumes/kubernetes.io~csi/" + pv + "/data_bench.spec";
  }
};

// Makes the data set unless the marker says this very one is there (so a
// developer's --work is reused between runs).
Status EnsureDataSet(const Layout& layout, const std::string& pv, const std::string& spec,
                     const std::function<Status(const std::string&)>& make) {
  auto existing = ReadFileToString(layout.Marker(pv));
  if (existing.ok() && *existing == spec) return OkStatus();
  const std::string dir = layout.VolumeDir(pv);
  std::error_code error;
  fs::remove_all(dir, error);
  fs::create_directories(dir, error);
  if (error) return InternalError("cannot create " + dir + ": " + error.message());
  std::cerr << "data_bench: writing data set " << pv << " (" << spec << ")" << std::endl;
  DRS_RETURN_IF_ERROR(make(dir));
  std::ofstream(layout.Marker(pv), std::ios::trunc) << spec;
  return OkStatus();
}

Status PrepareDestination(const RunTarget& target, Side side) {
  DRS_RETURN_IF_ERROR(EmptyDirectory(target.dest));
  // The mover's command line writes into its temp dir, which the pull makes.
  if (side == Side::kOptsNoAclXattr || side == Side::kOpts || side == Side::kOptsAgent) {
    return mover::PrepareTempDir(target.dest);
  }
  return OkStatus();
}

Status CheckCopy(const RunTarget& target, const TreeStats& source, const std::string& what) {
  DRS_ASSIGN_OR_RETURN(TreeStats copy,
                       WalkTree(target.dest, false, std::string(mover::kTempDirName)));
  if (copy.files != source.files || copy.bytes != source.bytes || copy.dirs != source.dirs) {
    return InternalError(what + ": the destination holds " + std::to_string(copy.files) +
                         " files, " + std::to_string(copy.dirs) + " directories, " +
                         std::to_string(copy.bytes) + " bytes; the source " +
                         std::to_string(source.files) + ", " + std::to_string(source.dirs) + ", " +
                         std::to_string(source.bytes));
  }
  return OkStatus();
}

Status RunDataSet(const RunContext& context, const std::vector<Side>& sides, int reps,
                  DataSetRuns& set) {
  set.load_before = LoadAverage();
  for (int rep = 0; rep < reps; ++rep) {
    for (std::size_t k = 0; k < sides.size(); ++k) {
      const Side side = sides[(k + static_cast<std::size_t>(rep)) % sides.size()];
      const std::string label = set.name + "-" + SideId(side) + "-" + std::to_string(rep);
      RunTarget target = set.target;
      if (set.fresh_destinations) target.dest += "/" + label;
      std::error_code error;
      fs::create_directories(target.dest, error);
      if (error) return InternalError("cannot create " + target.dest + ": " + error.message());
      DRS_RETURN_IF_ERROR(PrepareDestination(target, side));
      DRS_ASSIGN_OR_RETURN(RunMeasure initial, TimedRun(context, side, target, label));
      // The re-sync gets this run's digests, as from the controller.
      target.previous_source_digest = initial.source_digest;
      target.previous_destination_digest = initial.destination_digest;
      DRS_RETURN_IF_ERROR(CheckCopy(target, set.stats, label));
      std::cerr << "data_bench: " << label << " initial copy " << Fixed(initial.wall_s, 2) << " s"
                << std::endl;
      set.runs[side].initial.push_back(std::move(initial));
      if (!set.resync) continue;
      DRS_ASSIGN_OR_RETURN(RunMeasure again, TimedRun(context, side, target, label + "-resync"));
      const bool pull = side == Side::kOurs || side == Side::kOursNoSkip;
      if (pull && again.files_transferred != 0) {
        return InternalError(label + ": the no-change re-sync transferred " +
                             std::to_string(again.files_transferred) + " files");
      }
      if (side == Side::kOurs && !again.unchanged) {
        return InternalError(label + ": the no-change re-sync was not skipped as unchanged (see " +
                             label + "-resync.log)");
      }
      std::cerr << "data_bench: " << label << " no-change re-sync " << Fixed(again.wall_s, 2)
                << " s" << std::endl;
      set.runs[side].resync.push_back(std::move(again));
    }
  }
  set.load_after = LoadAverage();
  // The fresh destinations stay until the report is out: deleting 100,000
  // files takes minutes on a disk that discards every freed block at once.
  return set.fresh_destinations ? OkStatus() : EmptyDirectory(set.target.dest);
}

Status MakeDataSets(const Layout& layout, const Flags& flags) {
  const int large_files = static_cast<int>(flags.Int("large-files"));
  const std::int64_t large_each = flags.Int("large-mib") * kMiB / large_files;
  const int small_files = static_cast<int>(flags.Int("small-files"));
  DRS_RETURN_IF_ERROR(EnsureDataSet(
      layout, "pv-bench-large",
      std::to_string(large_files) + " x " + std::to_string(large_each) + " B random",
      [&](const std::string& dir) { return MakeLargeFiles(dir, large_files, large_each); }));
  DRS_RETURN_IF_ERROR(EnsureDataSet(
      layout, "pv-bench-small", std::to_string(small_files) + " files of 1-8 KiB",
      [&](const std::string& dir) { return MakeSmallFiles(dir, small_files, kSmallFilesSeed); }));
  return EnsureDataSet(
      layout, "pv-bench-warmup", std::to_string(kWarmupFiles) + " files",
      [&](const std::string& dir) { return MakeSmallFiles(dir, kWarmupFiles, kSmallFilesSeed); });
}

// The warm-up read: every source byte in the page cache before any timing.
Status ReadSources(std::vector<DataSetRuns>& sets) {
  for (DataSetRuns& set : sets) {
    const auto start = std::chrono::steady_clock::now();
    DRS_ASSIGN_OR_RETURN(set.stats, WalkTree(set.target.volume_dir, true));
    set.warmup_read_s = Since(start).count();
  }
  return OkStatus();
}

// One untimed sync of the tiny volume per side: loads every program and
// proves each side works before anything is measured.
Status WarmUpSides(const RunContext& context, const std::vector<Side>& sides,
                   const RunTarget& warmup) {
  for (Side side : sides) {
    DRS_RETURN_IF_ERROR(PrepareDestination(warmup, side));
    DRS_RETURN_IF_ERROR(
        ToStatus(TimedRun(context, side, warmup, std::string("warmup-") + SideId(side))));
  }
  return OkStatus();
}

Status Measure(const Flags& flags, const std::vector<Side>& sides, const Layout& layout) {
  DRS_RETURN_IF_ERROR(MakeDataSets(layout, flags));
  Report report{.reps = static_cast<int>(flags.Int("reps")),
                .sides = sides,
                .work = layout.work,
                .load_start = LoadAverage(),
                .tools = ToolVersions()};
  std::vector<DataSetRuns> sets = {
      {.name = "large",
       .target = {"large", layout.VolumeDir("pv-bench-large"), layout.dest + "/large"}},
      {.name = "small",
       .target = {"small", layout.VolumeDir("pv-bench-small"), layout.dest + "/small"},
       .resync = true,
       .fresh_destinations = true}};
  DRS_RETURN_IF_ERROR(ReadSources(sets));

  const ServersConfig config{.agent_binary = flags.Get("agent"),
                             .pods_dir = layout.pods,
                             .volumes = {{"large", "pv-bench-large"},
                                         {"small", "pv-bench-small"},
                                         {"warmup", "pv-bench-warmup"}},
                             .sshd = flags.Get("sshd")};
  // Declared before the servers, so it runs after they stopped.
  struct ForgetServerPids {
    ~ForgetServerPids() {
      g_agent = 0;
      g_plain_sshd = 0;
    }
  } forget_server_pids;
  DRS_ASSIGN_OR_RETURN(std::unique_ptr<BenchServers> servers, BenchServers::Start(config));
  RemoveOnInterrupt(servers->workspace());
  g_agent = servers->agent_pid();
  g_plain_sshd = servers->plain_sshd_pid();
  RunContext context{.servers = servers.get(),
                     .agent_binary = config.agent_binary,
                     .log_dir = layout.logs,
                     .running_client = &g_running_client};
  DRS_RETURN_IF_ERROR(mover::PrepareTempDir(layout.dest));
  context.support = mover::ProbeDestinationSupport(layout.dest);
  DRS_RETURN_IF_ERROR(mover::RemoveTempDir(layout.dest));
  const RunTarget warmup{"warmup", layout.VolumeDir("pv-bench-warmup"), layout.dest + "/warmup"};
  fs::create_directories(warmup.dest);
  DRS_RETURN_IF_ERROR(WarmUpSides(context, sides, warmup));
  report.sandbox = servers->LastAuditLine();
  report.support = context.support;

  for (DataSetRuns& set : sets) DRS_RETURN_IF_ERROR(RunDataSet(context, sides, report.reps, set));
  report.load_end = LoadAverage();
  PrintReport(report, sets);
  std::cerr << "data_bench: removing the copies" << std::endl;
  return EmptyDirectory(layout.dest);
}

int Run(const Flags& flags) {
  std::vector<Side> sides;
  for (const std::string& id : SplitList(flags.Get("sides"))) {
    auto side = ParseSide(id);
    if (!side.ok()) return Fail(side.error());
    sides.push_back(*side);
  }
  if (sides.size() < 2 || sides[0] != Side::kOurs || sides[1] != Side::kBaseline) {
    return Fail(InvalidError("--sides must start with ours,baseline"));
  }
  HandleInterrupts();
  Layout layout{.work = flags.Get("work")};
  const bool own_work = layout.work.empty();
  if (own_work) {
    std::string pattern = "/var/tmp/drs-data-bench.XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Fail(InternalError("cannot create a directory under /var/tmp"));
    }
    layout.work = pattern;
    RemoveOnInterrupt(layout.work);
  }
  layout.pods = layout.work + "/pods";
  layout.dest = layout.work + "/dest";
  layout.logs = layout.work + "/logs";
  std::error_code error;
  for (const auto& dir : {layout.dest, layout.logs}) fs::create_directories(dir, error);
  Status measured = error ? InternalError("cannot create " + layout.dest + ": " + error.message())
                          : Measure(flags, sides, layout);
  if (own_work) fs::remove_all(layout.work, error);
  return measured.ok() ? 0 : Fail(measured.error());
}

}  // namespace
}  // namespace drs::bench

int main(int argc, char** argv) {
  using drs::bench::Fail;
  (void)drs::InitLogging("warn", drs::LogFormat::kText);
  auto flags =
      drs::bench::Flags::Parse(argc, argv,
                               {{"agent", DRS_AGENT_BINARY},
                                {"work", ""},
                                {"large-mib", "1024"},
                                {"large-files", "4"},
                                {"small-files", "100000"},
                                {"reps", "3"},
                                {"sides", "ours,baseline,ours-noskip,opts-noax,opts,opts-agent"},
                                {"sshd", "/usr/sbin/sshd"}});
  if (!flags.ok()) return Fail(flags.error());
  return drs::bench::Run(*flags);
}
