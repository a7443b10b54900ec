#pragma once
// The rsync gate's decision: given the key sshd matched (its id is baked
// into the forced command), the access policy as it is now, and what the
// client asked to run (SSH_ORIGINAL_COMMAND), decide whether to run the real
// rsync as a read-only sender for one volume, print the health answer, or
// refuse with a one-line reason. Deciding is separate from acting
// (gate_command.h) so every rule is unit-tested without sshd.
//
// Rules, in order: a command must be present (no shells); the policy must
// load (fail closed); the key must still be listed and not expired; the
// command must split into plain words; a controller key may run only
// `dr-syncer-health`; a mover key may run only `rsync --server --sender`
// with allow-listed options, or `dr-syncer-tree-digest` (the metadata digest
// a mover compares to skip an unchanged volume, base/tree_digest.h), for a
// volume listed for it, which must resolve to a directory in this node's
// kubelet tree.
//
// Thread-safety: DecideGate is a pure function apart from reading the
// kubelet tree.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "agent/access_policy.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::agent {

inline constexpr std::string_view kHealthCommand = "dr-syncer-health";
// `dr-syncer-tree-digest pvc/<namespace>/<claim>/`: prints one JSON line,
// {"digest":"sha256:...","entries":N,"files":N,"bytes":N,"sparseFiles":N}.
inline constexpr std::string_view kTreeDigestCommand = "dr-syncer-tree-digest";

struct GateConfig {
  std::string access_file;
  std::string key_id;
  std::string kubelet_pods_dir;
  std::string node_name;
  std::string audit_log;
  std::string rsync_binary;
  std::string version;
};

struct GateDecision {
  enum class Action { kRefuse, kHealth, kRsync, kTreeDigest };
  Action action = Action::kRefuse;
  // Refusals: the reason, one line, shown to the client and audited.
  // Allowed actions: a short description for the audit log.
  std::string reason;
  std::vector<std::string> rsync_argv;  // kRsync: what to execute
  std::string volume_dir;               // kRsync, kTreeDigest: the resolved volume
  std::string health_json;              // kHealth: printed on stdout
};

// `original_command` is empty when the client sent none (a shell request).
GateDecision DecideGate(const GateConfig& config, const Result<AccessPolicy>& policy,
                        const std::optional<std::string>& original_command, Clock::WallTime now);

}  // namespace drs::agent
