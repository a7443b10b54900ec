#include "controller/datasync/sshkeys_minter.h"

#include "sshkeys/key_pair.h"
#include "sshkeys/openssh_private_key.h"

namespace drs::controller::datasync {

Result<MintedKey> SshKeysMinter::Mint(std::string_view comment) {
  DRS_ASSIGN_OR_RETURN(auto pair, sshkeys::KeyPair::Generate(std::string(comment)));
  DRS_ASSIGN_OR_RETURN(SecretBytes private_key, sshkeys::EncodeOpenSshPrivateKey(pair));
  return MintedKey{.private_key = std::move(private_key), .public_key = pair.PublicKeyLine()};
}

}  // namespace drs::controller::datasync
