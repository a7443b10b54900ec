#include "agent/authorized_keys.h"

#include <ctime>
#include <utility>

#include <fmt/format.h>

#include "agent/identifiers.h"

namespace drs::agent {
namespace {

constexpr std::string_view kKeyTypePrefix = "ssh-ed25519 ";

Status CheckValue(std::string_view field, std::string_view value, bool is_path) {
  if (value.empty()) return InvalidError("forced command: " + std::string(field) + " is empty");
  if (const auto pos = FirstUnplainPosition(value); pos != std::string_view::npos) {
    return InvalidError(
        fmt::format("forced command: {} \"{}\" has {}, which cannot be put in a "
                    "forced command safely (allowed: A-Z a-z 0-9 . _ , : = / @ + -)",
                    field, value, DescribeCharacter(value, pos)));
  }
  if (!IsPlainWord(value)) {
    return InvalidError("forced command: " + std::string(field) + " is too long");
  }
  if (is_path && !value.starts_with('/')) {
    return InvalidError("forced command: " + std::string(field) + " \"" + std::string(value) +
                        "\" must be an absolute path");
  }
  return OkStatus();
}

// The base64 of an Ed25519 blob is plain already; this guards against a
// policy that was not built by ParseAccessPolicy.
Status CheckPublicKey(const AccessKey& key) {
  const std::string_view line = key.public_key;
  if (!line.starts_with(kKeyTypePrefix) || !IsPlainWord(line.substr(kKeyTypePrefix.size()))) {
    return InvalidError("key \"" + key.id + "\": public key is not one \"ssh-ed25519 <base64>\"");
  }
  return OkStatus();
}

}  // namespace

Status ValidateGateCommand(const GateCommand& command) {
  DRS_RETURN_IF_ERROR(CheckValue("agent binary", command.agent_binary, true));
  DRS_RETURN_IF_ERROR(CheckValue("access file", command.access_file, true));
  DRS_RETURN_IF_ERROR(CheckValue("kubelet pods dir", command.kubelet_pods_dir, true));
  DRS_RETURN_IF_ERROR(CheckValue("node name", command.node_name, false));
  DRS_RETURN_IF_ERROR(CheckValue("audit log", command.audit_log, true));
  DRS_RETURN_IF_ERROR(CheckValue("rsync binary", command.rsync_binary, true));
  if (command.sandbox != "auto" && command.sandbox != "required") {
    return InvalidError("forced command: sandbox \"" + command.sandbox +
                        "\" is not one of auto, required");
  }
  return OkStatus();
}

std::string GateCommandLine(const GateCommand& command, std::string_view key_id) {
  return fmt::format(
      "{} rsync-gate --access-file={} --key-id={} --kubelet-pods-dir={} --node-name={} "
      "--audit-log={} --rsync={} --sandbox={}",
      command.agent_binary, command.access_file, key_id, command.kubelet_pods_dir,
      command.node_name, command.audit_log, command.rsync_binary, command.sandbox);
}

std::string FormatSshdExpiryTime(Clock::WallTime time) {
  const std::time_t t = std::chrono::system_clock::to_time_t(time);
  std::tm utc{};
  gmtime_r(&t, &utc);
  char buffer[sizeof "YYYYMMDDHHMMSSZ" + 8];
  const std::size_t n = std::strftime(buffer, sizeof buffer, "%Y%m%d%H%M%SZ", &utc);
  return std::string(buffer, n);
}

Result<std::string> RenderAuthorizedKeys(const AccessPolicy& policy, const GateCommand& command) {
  DRS_RETURN_IF_ERROR(ValidateGateCommand(command));
  std::string out =
      "# Rendered by dr-syncer-agent from the access policy; rewritten on every change.\n";
  for (const AccessKey& key : policy.keys) {
    if (!IsKeyId(key.id)) return InvalidError("key id \"" + key.id + "\" is not a valid key id");
    DRS_RETURN_IF_ERROR(CheckPublicKey(key));
    out += "restrict,command=\"" + GateCommandLine(command, key.id) + "\"";
    if (key.not_after.has_value()) {
      out += ",expiry-time=\"" + FormatSshdExpiryTime(*key.not_after) + "\"";
    }
    out += ' ';
    out += key.public_key;
    out += '\n';
  }
  return out;
}

}  // namespace drs::agent
