#pragma once
// KeyMinter: where new SSH key pairs come from. Production mints Ed25519
// keys with src/sshkeys (sshkeys_minter.h); tests inject a fake so plans and
// Secrets can be checked without crypto. dr-syncer never writes its own
// crypto.
//
// Thread-safety: implementations are thread-safe.

#include <string_view>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::controller::datasync {

struct MintedKey {
  SecretBytes private_key;  // OpenSSH private key file ("-----BEGIN OPENSSH PRIVATE KEY-----")
  std::string public_key;   // authorized_keys form: "ssh-ed25519 AAAA... <comment>"
};

class KeyMinter {
 public:
  virtual ~KeyMinter() = default;
  // A fresh Ed25519 key pair; `comment` ends the public key line.
  virtual Result<MintedKey> Mint(std::string_view comment) = 0;
};

}  // namespace drs::controller::datasync
