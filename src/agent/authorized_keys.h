#pragma once
// Renders sshd's AuthorizedKeysFile from the access policy. Every line is
//
//   restrict,command="<agent> rsync-gate --access-file=... --key-id=<id> ...",
//   expiry-time="YYYYMMDDHHMMSSZ" ssh-ed25519 <base64>
//
// (one line; expiry-time only for keys with notAfter). `restrict` turns off
// every forwarding, the PTY and ~/.ssh/rc; the forced command replaces
// whatever the client asked to run. Nothing else can appear in a line: every
// value is checked to be a plain word (identifiers.h) before it is written,
// so no input can close the quote, add an option or start a new line.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

#include "agent/access_policy.h"
#include "base/clock.h"
#include "base/result.h"

namespace drs::agent {

// What the forced command needs besides the key id. All paths are absolute.
struct GateCommand {
  std::string agent_binary;      // this program, e.g. /usr/local/bin/dr-syncer-agent
  std::string access_file;       // the mounted access.json, read again per connection
  std::string kubelet_pods_dir;  // /var/lib/kubelet/pods
  std::string node_name;         // reported by the health command
  std::string audit_log;         // <state-dir>/audit.log
  std::string rsync_binary;      // /usr/bin/rsync
  std::string sandbox = "auto";  // the gate's --sandbox: auto or required
};

// Invalid, naming the field, unless every value is a plain word, every path
// is absolute and sandbox is auto or required.
Status ValidateGateCommand(const GateCommand& command);

// The forced command for one key. REQUIRES: ValidateGateCommand(command) and
// IsKeyId(key_id).
std::string GateCommandLine(const GateCommand& command, std::string_view key_id);

// sshd's expiry-time format: "YYYYMMDDHHMMSSZ" (UTC).
std::string FormatSshdExpiryTime(Clock::WallTime time);

// The whole file, one line per key, in policy order. Invalid if the command
// or any key fails the checks above (a policy built by ParseAccessPolicy
// always passes; the check is repeated here because this is the last stop
// before sshd reads the text).
Result<std::string> RenderAuthorizedKeys(const AccessPolicy& policy, const GateCommand& command);

}  // namespace drs::agent
