#include "agent/gate_command.h"

#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "agent/audit_log.h"
#include "agent/gate.h"
#include "agent/landlock_sandbox.h"
#include "base/clock.h"
#include "base/flags.h"
#include "base/tree_digest.h"

namespace drs::agent {
namespace {

constexpr int kRefusedExit = 1;
// Allowed, but the tree could not be read whole (it is changing, or an
// entry is unreadable): the mover then compares in full with rsync.
constexpr int kTreeDigestFailedExit = 2;
// rsync gets a fixed, minimal environment: nothing the client or sshd set
// (RSYNC_* variables change its behaviour) reaches it.
constexpr const char* kRsyncPath = "PATH=/usr/bin:/bin";

struct GateFlags {
  GateConfig config{.rsync_binary = "/usr/bin/rsync"};
  std::string sandbox = "auto";
};

std::optional<std::string> Env(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr) return std::nullopt;
  return std::string(value);
}

// The client sees this on its stderr; keep it to one line.
void TellClient(const std::string& reason) {
  std::string line = "dr-syncer-agent: refused: " + reason;
  for (char& c : line) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  line += '\n';
  [[maybe_unused]] const ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
}

// A refusal stands even when it cannot be recorded; an allowed action that
// cannot be recorded is not taken (callers check the status).
Status Audit(const GateFlags& flags, const GateDecision& decision, const AuditRecord& base) {
  if (flags.config.audit_log.empty()) return OkStatus();
  AuditRecord record = base;
  record.decision = decision.action == GateDecision::Action::kRefuse ? "refused" : "allowed";
  record.reason = decision.reason;
  record.volume = decision.volume_dir;
  return AppendAuditRecord(flags.config.audit_log, record);
}

int Refuse(const GateFlags& flags, const AuditRecord& base, std::string reason) {
  const GateDecision refusal{.reason = std::move(reason)};
  [[maybe_unused]] const Status ignored = Audit(flags, refusal, base);
  TellClient(refusal.reason);
  return kRefusedExit;
}

int PrintHealth(const GateFlags& flags, const GateDecision& decision, const AuditRecord& base) {
  if (auto audited = Audit(flags, decision, base); !audited.ok()) {
    TellClient("audit log unavailable: " + audited.error().message());
    return kRefusedExit;
  }
  const std::string& json = decision.health_json;
  const ssize_t n = write(STDOUT_FILENO, json.data(), json.size());
  return n == static_cast<ssize_t>(json.size()) ? 0 : kRefusedExit;
}

// Audits the allowed action, saying whether it runs confined, then confines
// this process to `spec`. Returns whether to go on; on false the client was
// told why.
bool AuditAndConfine(const GateFlags& flags, const GateDecision& decision, const AuditRecord& base,
                     const SandboxSpec& spec) {
  const bool required = flags.sandbox == "required";
  const int abi = LandlockAbiVersion();
  if (abi <= 0 && required) {
    Refuse(flags, base, "--sandbox=required but this kernel has no Landlock");
    return false;
  }
  GateDecision audited_decision = decision;
  audited_decision.reason += abi > 0 ? " (sandbox: landlock ABI " + std::to_string(abi) + ")"
                                     : " (sandbox: unavailable, runs unconfined)";
  if (auto audited = Audit(flags, audited_decision, base); !audited.ok()) {
    TellClient("audit log unavailable: " + audited.error().message());
    return false;
  }
  if (auto sandbox = RestrictToSandbox(spec);
      !sandbox.ok() && (required || sandbox.error().code() != ErrorCode::kUnavailable)) {
    TellClient(sandbox.error().message());
    return false;
  }
  return true;
}

// The walk reads only the volume: confined to it, like the rsync sender.
int PrintTreeDigest(const GateFlags& flags, const GateDecision& decision, const AuditRecord& base) {
  if (!AuditAndConfine(flags, decision, base, SandboxSpec{.readable_dir = decision.volume_dir})) {
    return kRefusedExit;
  }
  auto digest = DigestTree(decision.volume_dir);
  if (!digest.ok()) {
    std::string line = "dr-syncer-agent: tree digest failed: " + digest.error().message();
    for (char& c : line) {
      if (c == '\n' || c == '\r') c = ' ';
    }
    line += '\n';
    [[maybe_unused]] const ssize_t ignored = write(STDERR_FILENO, line.data(), line.size());
    return kTreeDigestFailedExit;
  }
  const std::string json = nlohmann::ordered_json{{"digest", digest->value},
                                                  {"entries", digest->entries},
                                                  {"files", digest->files},
                                                  {"bytes", digest->bytes},
                                                  {"sparseFiles", digest->sparse_files}}
                               .dump() +
                           "\n";
  const ssize_t n = write(STDOUT_FILENO, json.data(), json.size());
  return n == static_cast<ssize_t>(json.size()) ? 0 : kTreeDigestFailedExit;
}

int ExecRsync(const GateFlags& flags, const GateDecision& decision, const AuditRecord& base) {
  if (!AuditAndConfine(flags, decision, base,
                       RsyncSandboxSpec(decision.volume_dir, flags.config.rsync_binary))) {
    return kRefusedExit;
  }
  std::vector<char*> argv;
  // execve's signature predates const; it does not modify the strings.
  for (const std::string& arg : decision.rsync_argv) argv.push_back(const_cast<char*>(arg.c_str()));
  argv.push_back(nullptr);
  char* envp[] = {const_cast<char*>(kRsyncPath), nullptr};
  execve(argv[0], argv.data(), envp);
  TellClient("cannot run " + flags.config.rsync_binary + ": " + std::strerror(errno));
  return kRefusedExit;
}

}  // namespace

int RunGateCommand(int argc, char** argv, const std::string& version) {
  GateFlags flags;
  FlagSet set("dr-syncer-agent rsync-gate");
  set.String("access-file", &flags.config.access_file, "the access.json to check keys against");
  set.String("key-id", &flags.config.key_id, "the id of the key sshd authenticated");
  set.String("kubelet-pods-dir", &flags.config.kubelet_pods_dir, "the kubelet's pods directory");
  set.String("node-name", &flags.config.node_name, "this node's name, for the health command");
  set.String("audit-log", &flags.config.audit_log, "file to append one JSON line per decision to");
  set.String("rsync", &flags.config.rsync_binary, "the rsync program to run as the sender");
  set.String("sandbox", &flags.sandbox, "auto or required: Landlock confinement of rsync");
  flags.config.version = version;
  AuditRecord base{.time = RealClock::Get().WallNow(),
                   .key_id = flags.config.key_id,
                   .command = Env("SSH_ORIGINAL_COMMAND").value_or(""),
                   .client = Env("SSH_CONNECTION").value_or("")};
  // Flags come from the forced command only: the session's environment is
  // sshd's and the client's business, never configuration.
  auto parsed = set.Parse(argc, argv, [](const char*) -> const char* { return nullptr; });
  base.key_id = flags.config.key_id;
  if (!parsed.ok()) return Refuse(flags, base, "gate misconfigured: " + parsed.error().message());
  if (!parsed->empty() || flags.config.key_id.empty() || flags.config.access_file.empty() ||
      flags.config.kubelet_pods_dir.empty() || flags.config.rsync_binary.empty() ||
      (flags.sandbox != "auto" && flags.sandbox != "required")) {
    return Refuse(flags, base,
                  "gate misconfigured: --key-id, --access-file, --kubelet-pods-dir and --rsync "
                  "are required, --sandbox is auto or required, no positional arguments");
  }
  const GateDecision decision = DecideGate(flags.config, LoadAccessPolicy(flags.config.access_file),
                                           Env("SSH_ORIGINAL_COMMAND"), base.time);
  switch (decision.action) {
    case GateDecision::Action::kRefuse:
      return Refuse(flags, base, decision.reason);
    case GateDecision::Action::kHealth:
      return PrintHealth(flags, decision, base);
    case GateDecision::Action::kRsync:
      return ExecRsync(flags, decision, base);
    case GateDecision::Action::kTreeDigest:
      return PrintTreeDigest(flags, decision, base);
  }
  return kRefusedExit;
}

}  // namespace drs::agent
