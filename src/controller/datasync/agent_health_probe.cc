#include "controller/datasync/agent_health_probe.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <thread>

#include "base/unique_fd.h"
#include "controller/datasync/mover_job.h"

namespace drs::controller::datasync {
namespace {

constexpr std::string_view kProbeDirPrefix = "dr-syncer-health-";
constexpr std::string_view kIdentityName = "id";
constexpr std::string_view kKnownHostsName = "known_hosts";

std::string TempBase() {
  const char* base = std::getenv("TMPDIR");
  return base != nullptr && *base == '/' ? base : "/tmp";
}

// Creates `path` (which must not exist) with mode 0600 and writes `data`.
Status WritePrivateFile(const std::string& path, std::string_view data) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd.valid()) {
    return InternalError("creating " + path + ": " + std::strerror(errno));
  }
  while (!data.empty()) {
    const ssize_t n = ::write(fd.get(), data.data(), data.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return InternalError("writing " + path + ": " + std::strerror(errno));
    data.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

std::vector<std::pair<std::string, std::string>> SshEnvironment() {
  std::vector<std::pair<std::string, std::string>> env = {{"LC_ALL", "C"}};
  if (const char* path = std::getenv("PATH"); path != nullptr) env.emplace_back("PATH", path);
  return env;
}

// One ssh run with one key; the reason is empty on success.
std::string ProbeWithKey(const AgentTarget& target, std::int32_t port, const SecretBytes& key,
                         const std::string& known_hosts, const ProcessRunner& run,
                         std::stop_token stop) {
  auto files = HealthProbeFiles::Create(key, known_hosts);
  if (!files.ok()) return "preparing the ssh key file: " + files.error().message();
  auto ran = run({.argv = HealthSshArgv(files->files(), target, port),
                  .env = SshEnvironment(),
                  .clear_env = true,
                  .timeout = kHealthProbeTimeout,
                  .max_stdout_bytes = 4096,
                  .max_stderr_bytes = 4096},
                 stop);
  if (!ran.ok()) return "running ssh: " + ran.error().message();
  if (ran->timed_out) {
    return "no answer within " + std::to_string(kHealthProbeTimeout.count()) + "s";
  }
  if (ran->exit_code != 0) {
    const std::string exit = ran->exit_code < 0
                                 ? "ssh was killed by signal " + std::to_string(ran->term_signal)
                                 : "ssh exited " + std::to_string(ran->exit_code);
    return FirstLine(ran->stderr_data, exit);
  }
  Status answer = CheckHealthAnswer(ran->stdout_data, target.node);
  return answer.ok() ? "" : answer.error().message();
}

}  // namespace

Result<HealthProbeFiles> HealthProbeFiles::Create(const SecretBytes& private_key,
                                                  std::string_view known_hosts) {
  std::string pattern = TempBase() + "/" + std::string(kProbeDirPrefix) + "XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {  // mkdtemp makes it 0700
    return InternalError("creating a directory for the ssh key: " +
                         std::string(std::strerror(errno)));
  }
  HealthProbeFiles files(pattern);
  const HealthSshFiles paths = files.files();
  DRS_RETURN_IF_ERROR(WritePrivateFile(paths.identity_file, private_key.reveal()));
  DRS_RETURN_IF_ERROR(WritePrivateFile(paths.known_hosts_file, known_hosts));
  return files;
}

HealthSshFiles HealthProbeFiles::files() const {
  return {dir_ + "/" + std::string(kIdentityName), dir_ + "/" + std::string(kKnownHostsName)};
}

int RemoveStaleProbeDirs(const std::string& base, Clock::WallTime now) {
  const auto cutoff =
      std::chrono::duration_cast<std::chrono::seconds>((now - kStaleProbeDirAge).time_since_epoch())
          .count();
  int removed = 0;
  std::error_code ec;  // an unreadable base or entry ends the sweep, never throws
  for (std::filesystem::directory_iterator it(base, ec), end; !ec && it != end; it.increment(ec)) {
    const std::string name = it->path().filename().string();
    if (!name.starts_with(kProbeDirPrefix)) continue;
    const std::string dir = it->path().string();
    struct stat st {};
    if (::lstat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode) || st.st_uid != ::geteuid() ||
        st.st_mtime >= cutoff) {
      continue;
    }
    ::unlink((dir + "/" + std::string(kIdentityName)).c_str());
    ::unlink((dir + "/" + std::string(kKnownHostsName)).c_str());
    if (::rmdir(dir.c_str()) == 0) ++removed;
  }
  return removed;
}

AgentHealthChecker::AgentHealthChecker(Clock& clock, ProcessRunner run)
    : clock_(clock), run_(std::move(run)) {
  // The files' times are the real clock's, whatever clock tests inject.
  RemoveStaleProbeDirs(TempBase(), std::chrono::system_clock::now());
}

HealthProbeFiles::HealthProbeFiles(HealthProbeFiles&& other) noexcept
    : dir_(std::exchange(other.dir_, std::string())) {}

HealthProbeFiles::~HealthProbeFiles() {
  if (dir_.empty()) return;
  const HealthSshFiles paths = files();
  ::unlink(paths.identity_file.c_str());
  ::unlink(paths.known_hosts_file.c_str());
  ::rmdir(dir_.c_str());
}

AgentHealth ProbeAgent(const AgentTarget& target, const HealthProbeSettings& settings,
                       const ProcessRunner& run, std::stop_token stop) {
  AgentHealth health{.target = target};
  auto known_hosts = KnownHosts(target.address, settings.port, settings.host_keys);
  if (!known_hosts.ok()) {
    health.reason = "building known_hosts: " + known_hosts.error().message();
    return health;
  }
  if (settings.keys.empty()) {
    health.reason = "the cluster has no live controller key";
    return health;
  }
  for (const SecretBytes* key : settings.keys) {
    std::string reason = ProbeWithKey(target, settings.port, *key, *known_hosts, run, stop);
    if (reason.empty()) {
      health.ok = true;
      health.reason.clear();
      return health;
    }
    // The newest key's reason is the one reported: an older key is only a
    // fallback while the newest propagates.
    if (health.reason.empty()) health.reason = std::move(reason);
    if (stop.stop_requested()) break;
  }
  return health;
}

std::vector<AgentHealth> AgentHealthChecker::Check(const std::string& remote_cluster,
                                                   const std::vector<AgentTarget>& targets,
                                                   const HealthProbeSettings& settings,
                                                   api::Duration interval, std::stop_token stop) {
  const auto key = [&](const AgentTarget& t) {
    return t.node + " " + t.address + ":" + std::to_string(settings.port);
  };
  std::vector<AgentHealth> results(targets.size());
  std::vector<std::size_t> due;  // indexes of targets to probe now
  {
    std::lock_guard lock(mu_);
    const auto& known = remembered_[remote_cluster];
    const auto now = clock_.Now();
    for (std::size_t i = 0; i < targets.size(); ++i) {
      auto it = known.find(key(targets[i]));
      if (it != known.end() && now - it->second.at < interval) {
        results[i] = it->second.health;
      } else {
        due.push_back(i);
      }
    }
  }
  std::atomic<std::size_t> next{0};
  {
    std::vector<std::jthread> workers;
    const std::size_t n = std::min(due.size(), std::size_t{kMaxConcurrentHealthProbes});
    for (std::size_t w = 0; w < n; ++w) {
      workers.emplace_back([&] {
        for (std::size_t k = next++; k < due.size(); k = next++) {
          results[due[k]] = ProbeAgent(targets[due[k]], settings, run_, stop);
        }
      });
    }
  }  // the workers are joined here
  std::lock_guard lock(mu_);
  std::map<std::string, Remembered> kept;  // agents gone since are forgotten
  auto& known = remembered_[remote_cluster];
  const auto now = clock_.Now();
  for (std::size_t i = 0; i < targets.size(); ++i) {
    auto it = known.find(key(targets[i]));
    const bool probed_now = std::find(due.begin(), due.end(), i) != due.end();
    if (probed_now) {
      kept[key(targets[i])] = {results[i], now};
    } else if (it != known.end()) {
      kept[key(targets[i])] = it->second;
    }
  }
  known = std::move(kept);
  return results;
}

void AgentHealthChecker::Forget(const std::string& remote_cluster) {
  std::lock_guard lock(mu_);
  remembered_.erase(remote_cluster);
}

}  // namespace drs::controller::datasync
