#include "agent/gate.h"

#include <optional>
#include <utility>

#include <nlohmann/json.hpp>

#include "agent/original_command.h"
#include "agent/rsync_request.h"
#include "agent/volume_path.h"
#include "base/rfc3339.h"

namespace drs::agent {
namespace {

GateDecision Refuse(std::string reason) {
  return GateDecision{.action = GateDecision::Action::kRefuse, .reason = std::move(reason)};
}

// Names the commands people try, so the refusal says what was recognised.
std::string UnknownCommandReason(const std::string& program) {
  if (program == "scp") return "scp is refused: only rsync pulls are served";
  if (program == "sftp-server" || program == "internal-sftp" || program.ends_with("/sftp-server")) {
    return "sftp is refused: only rsync pulls are served";
  }
  if (program == "sh" || program == "bash" || program.ends_with("/sh") ||
      program.ends_with("/bash")) {
    return "shell commands are refused: only rsync pulls are served";
  }
  return "command \"" + program + "\" is not allowed: only rsync pulls are served";
}

GateDecision DecideHealth(const GateConfig& config, const AccessKey& key,
                          const std::vector<std::string>& words, Clock::WallTime now) {
  if (key.role != KeyRole::kController) {
    return Refuse("key \"" + key.id + "\" is a mover key; only controller keys may run " +
                  std::string(kHealthCommand));
  }
  if (words.size() != 1) return Refuse(std::string(kHealthCommand) + " takes no arguments");
  const nlohmann::ordered_json answer = {{"node", config.node_name},
                                         {"version", config.version},
                                         {"keyId", key.id},
                                         {"time", FormatRfc3339(now)}};
  return GateDecision{.action = GateDecision::Action::kHealth,
                      .reason = "health check",
                      .health_json = answer.dump() + "\n"};
}

std::optional<GateDecision> RefuseControllerKey(const AccessKey& key) {
  if (key.role == KeyRole::kMover) return std::nullopt;
  return Refuse("key \"" + key.id + "\" is a controller key; it may run only " +
                std::string(kHealthCommand));
}

Error Denied(std::string reason) { return Error(ErrorCode::kPermissionDenied, std::move(reason)); }

// The directory of a volume `key` may read, or the refusal.
Result<std::string> GrantedVolumeDir(const GateConfig& config, const AccessKey& key,
                                     const LogicalVolumePath& path) {
  const VolumeGrant* grant = key.FindVolume(path.ns, path.claim);
  if (grant == nullptr) {
    return Denied("key \"" + key.id + "\" may not read volume pvc/" + path.ns + "/" + path.claim +
                  "/");
  }
  auto dir = ResolveVolumeDir(config.kubelet_pods_dir, grant->volume_name);
  if (!dir.ok()) {
    return Denied("volume pvc/" + grant->ns + "/" + grant->claim + "/ (" + grant->volume_name +
                  "): " + dir.error().message());
  }
  return dir;
}

GateDecision DecideRsync(const GateConfig& config, const AccessKey& key,
                         const std::vector<std::string>& words) {
  if (auto refused = RefuseControllerKey(key)) return *refused;
  auto request = ParseRsyncSenderRequest(words);
  if (!request.ok()) return Refuse(request.error().message());
  auto dir = GrantedVolumeDir(config, key, request->path);
  if (!dir.ok()) return Refuse(dir.error().message());
  return GateDecision{
      .action = GateDecision::Action::kRsync,
      .reason = "rsync sender for pvc/" + request->path.ns + "/" + request->path.claim + "/",
      .rsync_argv = RsyncServerArgv(config.rsync_binary, *request, *dir),
      .volume_dir = *dir};
}

GateDecision DecideTreeDigest(const GateConfig& config, const AccessKey& key,
                              const std::vector<std::string>& words) {
  if (auto refused = RefuseControllerKey(key)) return *refused;
  if (words.size() != 2) {
    return Refuse(std::string(kTreeDigestCommand) +
                  " takes one argument, pvc/<namespace>/<claim>/");
  }
  auto path = ParseLogicalVolumePath(words[1]);
  if (!path.ok()) return Refuse(path.error().message());
  auto dir = GrantedVolumeDir(config, key, *path);
  if (!dir.ok()) return Refuse(dir.error().message());
  return GateDecision{.action = GateDecision::Action::kTreeDigest,
                      .reason = "tree digest of pvc/" + path->ns + "/" + path->claim + "/",
                      .volume_dir = *dir};
}

}  // namespace

GateDecision DecideGate(const GateConfig& config, const Result<AccessPolicy>& policy,
                        const std::optional<std::string>& original_command, Clock::WallTime now) {
  if (!original_command.has_value()) {
    return Refuse("no command given: interactive shells and subsystems are refused");
  }
  if (!policy.ok()) {
    return Refuse("access policy unavailable, refusing everything: " + policy.error().message());
  }
  const AccessKey* key = policy->FindKey(config.key_id);
  if (key == nullptr) {
    return Refuse("key \"" + config.key_id + "\" is no longer in the access policy");
  }
  if (key->ExpiredAt(now)) {
    return Refuse("key \"" + key->id + "\" expired at " + FormatRfc3339(*key->not_after));
  }
  auto words = SplitOriginalCommand(*original_command);
  if (!words.ok()) return Refuse(words.error().message());
  const std::string& program = words->front();
  if (program == kHealthCommand) return DecideHealth(config, *key, *words, now);
  if (program == "rsync") return DecideRsync(config, *key, *words);
  if (program == kTreeDigestCommand) return DecideTreeDigest(config, *key, *words);
  return Refuse(UnknownCommandReason(program));
}

}  // namespace drs::agent
