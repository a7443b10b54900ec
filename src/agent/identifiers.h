#pragma once
// The character-level rules for every value the agent copies into sshd's
// files or into the forced command: Kubernetes names (DNS-1123 labels and
// subdomains), access key ids, and the "plain words" allowed in a rendered
// command or in the command a client sends. sshd hands the forced command to
// the account's shell, so a value that passes these checks can never carry a
// quote, a space, a newline or any other shell metacharacter.
//
// Thread-safety: pure functions.

#include <cstddef>
#include <string>
#include <string_view>

namespace drs::agent {

// RFC 1123 label: 1-63 of [a-z0-9-], starting and ending alphanumeric
// (Kubernetes namespaces).
bool IsDnsLabel(std::string_view text);

// RFC 1123 subdomain: up to 253 characters, dot-separated labels
// (PersistentVolumeClaim and PersistentVolume names, node names).
bool IsDnsSubdomain(std::string_view text);

// An access key id: 1-200 of [A-Za-z0-9._/-] (docs/data-sync.md).
bool IsKeyId(std::string_view text);

// A word that needs no quoting in a POSIX shell and has no meaning to sshd's
// option parser: 1-4096 of [A-Za-z0-9._,:=/@+-]. No '%' either: sshd
// expands %-tokens in some configuration values.
bool IsPlainWord(std::string_view text);

// The position of the first character IsPlainWord refuses, for messages;
// npos when there is none.
std::size_t FirstUnplainPosition(std::string_view text);

// A printable description of the character at `pos`: "'x'" or "byte 0x0a".
std::string DescribeCharacter(std::string_view text, std::size_t pos);

}  // namespace drs::agent
