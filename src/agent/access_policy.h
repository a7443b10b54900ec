#pragma once
// AccessPolicy: access.json, the only input that decides who may read what
// on this node (docs/data-sync.md). The agent renders sshd's
// AuthorizedKeysFile from it, and the rsync gate reads it again on every
// connection, so a key removed from the Secret stops working at once.
//
// Parsing is strict because the file is machine-written by the controller:
// one bad key refuses the whole file (the agent then fails closed), and
// every error names the key and the field.
//
// Thread-safety: value types and pure functions.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/clock.h"
#include "base/result.h"

namespace drs::agent {

inline constexpr int kAccessPolicyVersion = 1;

enum class KeyRole {
  kController,  // may run the health command only
  kMover,       // may pull the volumes listed for it, nothing else
};

std::string_view KeyRoleName(KeyRole role);

// One volume a mover key may read: the claim as the source cluster names it
// and the PersistentVolume bound to it, which is how the kubelet lays the
// volume out on disk.
struct VolumeGrant {
  std::string ns;
  std::string claim;
  std::string volume_name;
};

struct AccessKey {
  std::string id;
  KeyRole role = KeyRole::kMover;
  // "ssh-ed25519 <base64>", re-encoded from the parsed key: no comment, no
  // options, nothing that came from the file verbatim.
  std::string public_key;
  // Whole seconds: sshd's expiry-time has no finer grain, and the gate must
  // agree with sshd about the last second a key works.
  std::optional<Clock::WallTime> not_after;
  std::vector<VolumeGrant> volumes;

  // True from not_after on.
  bool ExpiredAt(Clock::WallTime now) const;
  // The grant for namespace/claim, or null.
  const VolumeGrant* FindVolume(std::string_view ns, std::string_view claim) const;
};

struct AccessPolicy {
  std::vector<AccessKey> keys;

  // The key with this id, or null.
  const AccessKey* FindKey(std::string_view id) const;
};

// Parses and validates access.json. Invalid, naming the key and field, when:
// the JSON is malformed or not version 1; an id is not [A-Za-z0-9._/-]{1,200}
// or repeats; a role is unknown; a public key is not one ssh-ed25519 key or
// repeats under another id; notAfter is not RFC 3339; a volume's namespace,
// claim or volumeName is not a Kubernetes name; a controller key lists
// volumes. Unknown fields are ignored (newer controllers may add some).
Result<AccessPolicy> ParseAccessPolicy(std::string_view json_text);

// Reads and parses the file; errors name the path.
Result<AccessPolicy> LoadAccessPolicy(const std::string& path);

}  // namespace drs::agent
