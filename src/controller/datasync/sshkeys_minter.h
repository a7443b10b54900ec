#pragma once
// SshKeysMinter: the production KeyMinter — Ed25519 keys from src/sshkeys
// (OpenSSL), the private half encoded as an OpenSSH key file.
//
// Thread-safety: thread-safe (stateless).

#include "controller/datasync/key_minter.h"

namespace drs::controller::datasync {

class SshKeysMinter final : public KeyMinter {
 public:
  Result<MintedKey> Mint(std::string_view comment) override;
};

}  // namespace drs::controller::datasync
