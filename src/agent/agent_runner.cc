#include "agent/agent_runner.h"

#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "agent/access_policy.h"
#include "agent/atomic_file.h"
#include "agent/health_server.h"
#include "agent/landlock_sandbox.h"
#include "agent/sshd_config.h"
#include "base/file_util.h"
#include "base/logging.h"

namespace drs::agent {
namespace {

constexpr mode_t kStateDirMode = 0700;
constexpr mode_t kPrivateFileMode = 0600;
// sshd's compiled-in privilege separation directory; it must exist.
constexpr const char* kPrivsepDir = "/run/sshd";
constexpr mode_t kPrivsepDirMode = 0755;
constexpr std::chrono::milliseconds kReadinessConnectTimeout{1000};
constexpr std::size_t kMaxAccessFileBytes = std::size_t{1} << 20;

std::shared_ptr<spdlog::logger> Log() {
  static const auto log = GetLogger("agent");
  return log;
}

Error SysError(const std::string& what) {
  return UnavailableError(what + ": " + std::strerror(errno));
}

Status EnsureDirectory(const std::string& path, mode_t mode) {
  if (mkdir(path.c_str(), mode) != 0 && errno != EEXIST) {
    return SysError("cannot create directory " + path);
  }
  struct stat st {};
  if (lstat(path.c_str(), &st) != 0) return SysError("cannot stat " + path);
  if (!S_ISDIR(st.st_mode)) return InvalidError(path + " exists and is not a directory");
  return OkStatus();
}

// sshd's StrictModes checks the AuthorizedKeysFile and every directory
// above it: owned by root and not writable by group or others. Checking it
// here turns "Authentication refused: bad ownership or modes" in sshd's log
// into a start-up error that says what to change.
Status CheckStrictModes(const std::string& dir) {
  std::string path = dir;
  while (!path.empty()) {
    struct stat st {};
    if (stat(path.c_str(), &st) != 0) return SysError("cannot stat " + path);
    if (st.st_uid != 0 || (st.st_mode & (S_IWGRP | S_IWOTH)) != 0) {
      return InvalidError(
          "directory " + path +
          " is not owned by root or is writable by group or others; sshd "
          "(StrictModes) would refuse every key under it: pick a --state-dir "
          "whose parents are root-owned and not group/world-writable, e.g. /run/...");
    }
    const auto slash = path.rfind('/');
    path = slash == 0 ? (path == "/" ? "" : "/") : path.substr(0, slash);
  }
  return OkStatus();
}

}  // namespace

AgentRunner::AgentRunner(AgentOptions options, Clock& clock)
    : options_(std::move(options)),
      clock_(clock),
      host_key_(options_.host_key_dir, options_.state_dir) {}

AgentRunner::~AgentRunner() {
  if (sshd_) sshd_->Stop(options_.shutdown_grace);
}

Status AgentRunner::PrepareDirectories() {
  if (!options_.state_dir.starts_with('/')) {
    return InvalidError("--state-dir \"" + options_.state_dir + "\" must be an absolute path");
  }
  DRS_RETURN_IF_ERROR(EnsureDirectory(options_.state_dir, kStateDirMode));
  if (chmod(options_.state_dir.c_str(), kStateDirMode) != 0) {
    return SysError("cannot set the mode of " + options_.state_dir);
  }
  DRS_RETURN_IF_ERROR(CheckStrictModes(options_.state_dir));
  DRS_RETURN_IF_ERROR(EnsureDirectory(kPrivsepDir, kPrivsepDirMode));
  struct stat st {};
  if (stat(options_.kubelet_pods_dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return InvalidError("--kubelet-pods-dir " + options_.kubelet_pods_dir +
                        " is not a readable directory");
  }
  return OkStatus();
}

Status AgentRunner::Prepare() {
  if (options_.node_name.empty()) {
    return InvalidError("--node-name (or $NODE_NAME) is required");
  }
  DRS_RETURN_IF_ERROR(PrepareDirectories());
  std::string agent_binary = options_.agent_binary;
  if (agent_binary.empty()) {
    char buffer[PATH_MAX];
    const ssize_t n = readlink("/proc/self/exe", buffer, sizeof buffer - 1);
    if (n <= 0) return SysError("cannot find this program's path in /proc/self/exe");
    agent_binary.assign(buffer, static_cast<std::size_t>(n));
  }
  gate_command_ = GateCommand{.agent_binary = agent_binary,
                              .access_file = options_.access_file,
                              .kubelet_pods_dir = options_.kubelet_pods_dir,
                              .node_name = options_.node_name,
                              .audit_log = audit_log_path(),
                              .rsync_binary = options_.rsync_binary,
                              .sandbox = options_.sandbox};
  DRS_RETURN_IF_ERROR(ValidateGateCommand(gate_command_));
  if (LandlockAbiVersion() <= 0) {
    if (options_.sandbox == "required") {
      return FailedPreconditionError(
          "--sandbox=required, but Landlock is not available (kernel older than 5.13, built "
          "without it, or blocked by the container's seccomp profile)");
    }
    Log()->warn(
        "Landlock is not available: the gate will run rsync unconfined (see "
        "docs/agent.md, --sandbox)");
  }
  DRS_RETURN_IF_ERROR(LoadAccessPolicy(options_.access_file));
  DRS_RETURN_IF_ERROR(host_key_.Sync());
  DRS_ASSIGN_OR_RETURN(const std::string config,
                       RenderSshdConfig({.listen_address = options_.listen_address,
                                         .port = options_.port,
                                         .host_key_file = host_key_.installed_path(),
                                         .authorized_keys_file = authorized_keys_path(),
                                         .pid_file = options_.state_dir + "/sshd.pid"}));
  DRS_RETURN_IF_ERROR(WriteFileAtomically(sshd_config_path(), config, kPrivateFileMode));
  SyncAccessFile();
  if (!keys_loaded_) return InternalError("the access file changed while starting; retry");
  sshd_ = std::make_unique<SshdSupervisor>(
      SshdSupervisorOptions{.sshd_binary = options_.sshd_binary, .config_file = sshd_config_path()},
      clock_);
  DRS_RETURN_IF_ERROR(sshd_->CheckConfig());
  audit_ = std::make_unique<AuditLogForwarder>(
      audit_log_path(), [this](std::string_view line) { ForwardAuditLine(line); });
  return OkStatus();
}

void AgentRunner::SyncAccessFile() {
  auto bytes = ReadFileToString(options_.access_file, kMaxAccessFileBytes);
  // What we render from: the file's bytes, or the reason it cannot be read.
  std::string seen = bytes.ok() ? "ok:" + *bytes : "error:" + bytes.error().message();
  if (access_bytes_ == seen) return;
  access_bytes_ = seen;
  Result<AccessPolicy> policy = bytes.ok() ? ParseAccessPolicy(*bytes) : std::move(bytes).error();
  Result<std::string> rendered =
      policy.ok() ? RenderAuthorizedKeys(*policy, gate_command_) : policy.error();
  if (!rendered.ok()) {
    // Fail closed: no key works until the file is fixed.
    keys_loaded_ = false;
    Log()->error(Fields("access file rejected; every key is refused until it is fixed",
                        {{"file", options_.access_file}, {"error", rendered.error().ToString()}}));
    rendered = std::string("# access file rejected; no key is authorized\n");
  }
  if (auto written = WriteFileAtomically(authorized_keys_path(), *rendered, kPrivateFileMode);
      !written.ok()) {
    keys_loaded_ = false;
    access_bytes_.reset();  // try again next poll
    Log()->error(
        Fields("cannot write the authorized keys file", {{"error", written.error().ToString()}}));
    return;
  }
  if (policy.ok()) {
    keys_loaded_ = true;
    Log()->info(
        Fields("authorized keys rendered",
               {{"file", authorized_keys_path()}, {"keys", std::to_string(policy->keys.size())}}));
  }
}

void AgentRunner::SyncHostKey() {
  auto changed = host_key_.Sync();
  if (!changed.ok()) {
    // Keep serving with the installed key; say so once per distinct problem.
    if (changed.error().message() != last_host_key_error_) {
      last_host_key_error_ = changed.error().message();
      Log()->error(Fields("cannot update the host key; keeping the installed one",
                          {{"error", changed.error().ToString()}}));
    }
    return;
  }
  last_host_key_error_.clear();
  if (*changed) {
    Log()->info(Fields("host key changed", {{"file", host_key_.installed_path()}}));
    sshd_->Reload();
  }
}

void AgentRunner::ForwardAuditLine(std::string_view line) {
  static const auto audit = GetLogger("audit");
  const auto record = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) {
    audit->warn(Fields("unreadable audit record", {{"line", std::string(line)}}));
    return;
  }
  std::vector<LogField> fields;
  for (const char* name : {"decision", "keyId", "reason", "command", "client", "volume", "ts"}) {
    const auto it = record.find(name);
    if (it != record.end() && it->is_string()) fields.emplace_back(name, it->get<std::string>());
  }
  const bool refused = record.value("decision", "") == "refused";
  if (refused) {
    audit->warn(Fields("gate refused a request", fields));
  } else {
    audit->info(Fields("gate allowed a request", fields));
  }
}

Status AgentRunner::Liveness() const {
  if (sshd_ && sshd_->running()) return OkStatus();
  return UnavailableError("sshd is not running");
}

Status AgentRunner::Readiness() const {
  if (!keys_loaded_) return UnavailableError("access keys are not loaded");
  if (!sshd_ || !sshd_->running()) return UnavailableError("sshd is not running");
  if (!AcceptsTcp(options_.listen_address, options_.port, kReadinessConnectTimeout)) {
    return UnavailableError("sshd does not accept connections yet");
  }
  return OkStatus();
}

Status AgentRunner::Run(std::stop_token stop) {
  HealthServer probes(
      options_.health_address, [this] { return Liveness(); }, [this] { return Readiness(); });
  DRS_RETURN_IF_ERROR(probes.Start());
  Log()->info(Fields("agent running", {{"node", options_.node_name},
                                       {"listen", options_.listen_address},
                                       {"port", std::to_string(options_.port)}}));
  while (!stop.stop_requested()) {
    sshd_->Tick();
    SyncAccessFile();
    SyncHostKey();
    audit_->Poll();
    clock_.SleepFor(options_.poll_interval, stop);
  }
  Log()->info("stopping");
  sshd_->Stop(options_.shutdown_grace);
  audit_->Poll();  // the last decisions before shutdown
  probes.Stop();
  return OkStatus();
}

}  // namespace drs::agent
