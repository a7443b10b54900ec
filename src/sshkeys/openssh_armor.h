#pragma once
// The text armour of an OpenSSH private key file:
//   -----BEGIN OPENSSH PRIVATE KEY-----
//   <base64 of the binary key, 70 characters a line>
//   -----END OPENSSH PRIVATE KEY-----
// byte for byte as ssh-keygen writes it (sshbuf_dtob64 with wrapping, each
// line ending in "\n"). Every intermediate buffer is wiped.
//
// Thread-safety: pure functions.

#include <string_view>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::sshkeys {

inline constexpr std::string_view kOpenSshBeginMarker = "-----BEGIN OPENSSH PRIVATE KEY-----";
inline constexpr std::string_view kOpenSshEndMarker = "-----END OPENSSH PRIVATE KEY-----";

SecretBytes ArmorOpenSshKey(std::string_view binary);

// The binary key inside the armour. Blank lines and CRLF line ends are
// accepted; text before the BEGIN line or after the END line other than
// blanks is not. A PEM block of another kind ("RSA PRIVATE KEY", "PRIVATE
// KEY", "ENCRYPTED PRIVATE KEY") is refused by its label. Errors never
// quote the body.
Result<SecretBytes> DearmorOpenSshKey(std::string_view text);

}  // namespace drs::sshkeys
