#pragma once
// known_hosts lines that pin an agent's host key for the mover's and the
// controller's ssh clients: "[host]:port ssh-ed25519 AAAA..." — or plain
// "host ssh-ed25519 AAAA..." on port 22 — exactly the form OpenSSH looks up
// (its put_host_port()). One host per line, no wildcards, hashes or
// @cert-authority/@revoked markers: a pinned key names one endpoint.
//
// Thread-safety: pure functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "sshkeys/public_key.h"

namespace drs::sshkeys {

inline constexpr std::uint16_t kDefaultSshPort = 22;

struct KnownHostsEntry {
  std::string host;  // lower case, as ssh compares it
  std::uint16_t port = kDefaultSshPort;
  PublicKey key;
};

// A host name or an IPv4/IPv6 address, without brackets or port. Refused:
// empty, longer than a DNS name, whitespace, and the characters known_hosts
// gives a meaning to (",*?![]|#@").
Status ValidateKnownHost(std::string_view host);

// The known_hosts line for host:port, without a newline. Invalid for a bad
// host or port 0.
Result<std::string> FormatKnownHostsLine(std::string_view host, std::uint16_t port,
                                         const PublicKey& key);

// Reads back one line in the form FormatKnownHostsLine writes (a trailing
// comment and newline are accepted).
Result<KnownHostsEntry> ParseKnownHostsLine(std::string_view line);

}  // namespace drs::sshkeys
