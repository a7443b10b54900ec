#pragma once
// KeyPair: an Ed25519 key pair dr-syncer mints (controller, mover and agent
// host keys) or reloads from a Secret. The private half is the 32-byte seed
// (RFC 8032's private key), held only in SecretBytes; the public half is
// always derived from it by OpenSSL, so a KeyPair is consistent by
// construction.
//
// Thread-safety: a value type (move-only); const methods may be called
// from many threads.

#include <string>
#include <string_view>

#include "base/result.h"
#include "base/secret_bytes.h"
#include "sshkeys/public_key.h"

namespace drs::sshkeys {

inline constexpr std::size_t kEd25519SeedBytes = 32;

class KeyPair {
 public:
  // A fresh key from OpenSSL's CSPRNG. Invalid if the comment is not valid
  // (ValidateComment); Internal if OpenSSL fails.
  static Result<KeyPair> Generate(std::string comment);
  // The key pair of a 32-byte seed; the public key is derived from it.
  static Result<KeyPair> FromSeed(SecretBytes seed, std::string comment);

  KeyPair(KeyPair&&) noexcept = default;
  KeyPair& operator=(KeyPair&&) noexcept = default;
  KeyPair(const KeyPair&) = delete;
  KeyPair& operator=(const KeyPair&) = delete;

  const PublicKey& public_key() const { return public_key_; }
  const std::string& comment() const { return comment_; }
  // The private seed, for encoders only; never log it (SecretBytes will not print).
  const SecretBytes& seed() const { return seed_; }

  // "ssh-ed25519 AAAA... <comment>", the `.pub` line, without a newline.
  std::string PublicKeyLine() const;
  std::string Fingerprint() const { return public_key_.Fingerprint(); }

 private:
  KeyPair(SecretBytes seed, PublicKey public_key, std::string comment)
      : seed_(std::move(seed)), public_key_(std::move(public_key)), comment_(std::move(comment)) {}

  SecretBytes seed_;
  PublicKey public_key_;
  std::string comment_;
};

}  // namespace drs::sshkeys
