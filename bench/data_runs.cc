#include "data_runs.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <thread>

#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/unique_fd.h"
#include "bench_support.h"
#include "mover/ssh_command.h"

namespace drs::bench {
namespace {

// The sampling period the memory figures are taken at.
constexpr auto kSampleInterval = std::chrono::milliseconds(100);
// No sync here takes an hour; a hung one must not hang the benchmark.
constexpr auto kRunTimeout = std::chrono::hours(1);
// A connection's sshd and sender exit just after the client; their CPU is
// read once they are gone.
constexpr auto kServerSettleDeadline = std::chrono::seconds(10);
constexpr auto kSettlePause = std::chrono::milliseconds(10);
constexpr std::size_t kLogTailBytes = 3000;

std::vector<std::string> Environment() {
  // What the mover gives rsync and ssh (mover::RsyncEnvironment), for every
  // side alike.
  return mover::RsyncEnvironment();
}

std::string RemoteHost() { return "root@127.0.0.1:"; }

mover::PullOptions MoverOptions(const RunContext& c, int port, const std::string& path,
                                const std::string& dest) {
  mover::PullOptions o;
  o.host = "127.0.0.1";
  o.port = port;
  o.path = path;
  o.dest = dest;
  o.identity_file = c.servers->client_key();
  o.known_hosts_file = c.servers->known_hosts();
  return o;
}

std::vector<std::string> ClientArgv(const RunContext& c, Side side, const RunTarget& t,
                                    const std::string& result_path) {
  const BenchServers& s = *c.servers;
  const std::string logical = std::string("pvc/") + kBenchNamespace + "/" + t.claim + "/";
  switch (side) {
    case Side::kOurs:
    case Side::kOursNoSkip: {
      std::vector<std::string> argv = {c.agent_binary,
                                       "pull",
                                       "--host=127.0.0.1",
                                       "--port=" + std::to_string(s.agent_port()),
                                       "--path=" + logical,
                                       "--dest=" + t.dest,
                                       "--identity-file=" + s.client_key(),
                                       "--known-hosts-file=" + s.known_hosts(),
                                       "--termination-log=" + result_path,
                                       "--timeout=0"};
      // As the controller runs it by default (skipUnchanged: true).
      if (side == Side::kOurs) argv.emplace_back("--skip-unchanged");
      if (side == Side::kOurs && !t.previous_source_digest.empty()) {
        argv.push_back("--previous-source-digest=" + t.previous_source_digest);
        argv.push_back("--previous-destination-digest=" + t.previous_destination_digest);
      }
      return argv;
    }
    case Side::kBaseline:
      // The plain command of the issue. -F /dev/null keeps root's own ssh
      // config out; BatchMode turns a failed login into an error, not a
      // prompt. Neither changes the data path.
      return {"rsync",
              "-a",
              "-e",
              "ssh -F /dev/null -i " + s.client_key() + " -p " + std::to_string(s.plain_port()) +
                  " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" + s.known_hosts() +
                  " -o BatchMode=yes",
              RemoteHost() + t.volume_dir + "/",
              t.dest + "/"};
    case Side::kOptsNoAclXattr:
      return mover::BuildTransferArgv(MoverOptions(c, s.plain_port(), t.volume_dir + "/", t.dest),
                                      mover::DestinationSupport{});
    case Side::kOpts:
      return mover::BuildTransferArgv(MoverOptions(c, s.plain_port(), t.volume_dir + "/", t.dest),
                                      c.support);
    case Side::kOptsAgent:
      return mover::BuildTransferArgv(MoverOptions(c, s.agent_port(), logical, t.dest), c.support);
  }
  return {};
}

std::string Tail(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return "(no log)";
  return text->size() > kLogTailBytes ? "..." + text->substr(text->size() - kLogTailBytes) : *text;
}

// The pull's termination message: it must say Succeeded.
Status ReadPullResult(const std::string& path, RunMeasure& m) {
  DRS_ASSIGN_OR_RETURN(std::string text, ReadFileToString(path));
  const auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded() || doc.value("result", "") != "Succeeded") {
    return InternalError("the pull did not succeed: " + text);
  }
  m.files_transferred = doc.value("filesTransferred", std::int64_t{-1});
  m.unchanged = doc.value("unchanged", false);
  m.source_digest = doc.value("sourceDigest", "");
  m.destination_digest = doc.value("destinationDigest", "");
  return OkStatus();
}

void AwaitIdleServer(pid_t root, std::size_t idle_size) {
  const auto deadline = std::chrono::steady_clock::now() + kServerSettleDeadline;
  while (TreeSize(root) > idle_size && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(kSettlePause);
  }
}

}  // namespace

const char* SideId(Side side) {
  switch (side) {
    case Side::kOurs:
      return "ours";
    case Side::kBaseline:
      return "baseline";
    case Side::kOptsNoAclXattr:
      return "opts-noax";
    case Side::kOpts:
      return "opts";
    case Side::kOptsAgent:
      return "opts-agent";
    case Side::kOursNoSkip:
      return "ours-noskip";
  }
  return "?";
}

Result<Side> ParseSide(const std::string& id) {
  for (Side side : {Side::kOurs, Side::kBaseline, Side::kOptsNoAclXattr, Side::kOpts,
                    Side::kOptsAgent, Side::kOursNoSkip}) {
    if (id == SideId(side)) return side;
  }
  return InvalidError("unknown side '" + id +
                      "' (ours, baseline, opts-noax, opts, opts-agent, ours-noskip)");
}

const char* SideTitle(Side side) {
  switch (side) {
    case Side::kOurs:
      return "**ours**: `dr-syncer-agent pull` → agent";
    case Side::kBaseline:
      return "baseline: `rsync -a -e ssh` → plain sshd";
    case Side::kOptsNoAclXattr:
      return "mover's rsync command without `-A -X` → plain sshd";
    case Side::kOpts:
      return "mover's rsync command → plain sshd";
    case Side::kOptsAgent:
      return "mover's rsync command → agent (no pull process)";
    case Side::kOursNoSkip:
      return "`pull` without `--skip-unchanged` → agent";
  }
  return "?";
}

Result<RunMeasure> TimedRun(const RunContext& c, Side side, const RunTarget& target,
                            const std::string& label) {
  const std::string log_path = c.log_dir + "/" + label + ".log";
  const std::string result_path = c.log_dir + "/" + label + ".result.json";
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600));
  if (!log.valid()) return InternalError("cannot open " + log_path + ": " + std::strerror(errno));
  const bool to_agent =
      side == Side::kOurs || side == Side::kOptsAgent || side == Side::kOursNoSkip;
  const pid_t server = to_agent ? c.servers->agent_pid() : c.servers->plain_sshd_pid();
  // Nothing the last run wrote may still be on its way to the disk.
  ::sync();
  const std::size_t idle_size = TreeSize(server);
  const double agent_cpu_before = TreeCpuSeconds(server);
  const double mover_cpu_before = CpuSeconds(CpuOf::kChildren);

  const auto start = std::chrono::steady_clock::now();
  DRS_ASSIGN_OR_RETURN(ChildProcess child,
                       ChildProcess::Spawn({.argv = ClientArgv(c, side, target, result_path),
                                            .envp = Environment(),
                                            .stdout_fd = log.get(),
                                            .stderr_fd = log.get()}));
  c.running_client->store(child.pid());
  PeakTreeSampler sampler({child.pid(), server}, kSampleInterval);
  const bool exited = WaitForExit(child, kRunTimeout);
  RunMeasure m{.wall_s = Since(start).count()};
  c.running_client->store(0);
  auto peaks = sampler.Finish();
  if (!exited) {
    child.KillAndReap();
    return DeadlineExceededError(label + " (" + SideId(side) + ") ran over an hour");
  }
  m.mover_memory = std::move(peaks[0]);
  m.agent_memory = std::move(peaks[1]);
  m.mover_cpu_s = CpuSeconds(CpuOf::kChildren) - mover_cpu_before;
  AwaitIdleServer(server, idle_size);
  m.agent_cpu_s = TreeCpuSeconds(server) - agent_cpu_before;

  const int status = child.wait_status();
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    return InternalError(label + " (" + SideId(side) + ") failed with wait status " +
                         std::to_string(status) + "; its log " + log_path + " ends:\n" +
                         Tail(log_path));
  }
  if (side == Side::kOurs || side == Side::kOursNoSkip) {
    DRS_RETURN_IF_ERROR(ReadPullResult(result_path, m));
  }
  return m;
}

}  // namespace drs::bench
