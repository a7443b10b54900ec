#pragma once
// The OpenSSH private key format ("openssh-key-v1", PROTOCOL.key in the
// OpenSSH sources) for one unencrypted Ed25519 key — what sshd reads as a host
// key and ssh as an identity file, and what dr-syncer stores in its Secrets:
//
//   "openssh-key-v1\0"  string cipher "none"  string kdf "none"  string ""
//   uint32 1  string public-key-blob  string private-section
//   private-section: uint32 check  uint32 check  string "ssh-ed25519"
//     string pub[32]  string seed[32]||pub[32]  string comment
//     padding 1, 2, 3, ... to a multiple of 8 bytes
//
// wrapped in the text armour of openssh_armor.h.
//
// Thread-safety: pure functions.

#include <cstdint>

#include "base/result.h"
#include "base/secret_bytes.h"
#include "sshkeys/key_pair.h"

namespace drs::sshkeys {

// The key file text, with random check integers as ssh-keygen makes them.
// Internal only if the CSPRNG fails.
Result<SecretBytes> EncodeOpenSshPrivateKey(const KeyPair& key);

// The same with a given check integer: reproducible output, so tests can
// compare with a file ssh-keygen wrote byte for byte.
SecretBytes EncodeOpenSshPrivateKeyWithCheck(const KeyPair& key, std::uint32_t check);

// Reads a key file back and verifies it through and through: unencrypted,
// one Ed25519 key, equal check integers, the public key in the header, in
// the private section and inside the 64-byte private key all equal to the
// one derived from the seed, OpenSSH's padding, nothing after. Errors say
// which rule failed and never quote key material.
Result<KeyPair> ParseOpenSshPrivateKey(const SecretBytes& text);

}  // namespace drs::sshkeys
