#pragma once
// Renders the sshd_config the agent runs sshd with: public-key
// authentication with Ed25519 only, root allowed only with a forced command,
// no passwords, no TTY, no forwarding of any kind, no subsystems (so no
// sftp), modern ciphers, MACs and key exchanges, and every path inside the
// agent's state directory. See docs/agent.md for why each line is there.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>

#include "base/result.h"

namespace drs::agent {

struct SshdConfigParams {
  std::string listen_address;  // an IPv4 or IPv6 literal, the node's address
  std::uint16_t port = 0;
  std::string host_key_file;         // the 0600 copy in the state directory
  std::string authorized_keys_file;  // rendered from access.json
  std::string pid_file;
};

// Invalid, naming the field, when the address is not an IP literal, the port
// is 0, or a path is relative or has characters sshd would treat specially
// (whitespace, quotes, '%' tokens).
Result<std::string> RenderSshdConfig(const SshdConfigParams& params);

}  // namespace drs::agent
