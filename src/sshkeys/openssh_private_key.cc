#include "sshkeys/openssh_private_key.h"

#include <array>

#include <openssl/crypto.h>
#include <openssl/rand.h>

#include "sshkeys/openssh_armor.h"
#include "sshkeys/openssl_util.h"
#include "sshkeys/ssh_wire.h"

namespace drs::sshkeys {
namespace {

// The magic includes its terminating NUL.
constexpr std::string_view kMagic{"openssh-key-v1\0", 15};
constexpr std::string_view kNone = "none";
// The private section is padded to the cipher's block size; "none" uses 8.
constexpr std::size_t kBlockSize = 8;
// OpenSSH's "private key" for Ed25519 is seed || public key.
constexpr std::size_t kEd25519PrivateBytes = kEd25519SeedBytes + kEd25519PublicKeyBytes;

SecretBytes EncodePrivateSection(const KeyPair& key, std::uint32_t check) {
  WireWriter section;
  section.PutU32(check);
  section.PutU32(check);
  section.PutString(kEd25519KeyType);
  section.PutString(key.public_key().raw());
  section.PutU32(static_cast<std::uint32_t>(kEd25519PrivateBytes));
  section.PutBytes(key.seed().reveal());
  section.PutBytes(key.public_key().raw());
  section.PutString(key.comment());
  for (std::uint8_t pad = 1; section.size() % kBlockSize != 0; ++pad) section.PutU8(pad);
  return std::move(section).ReleaseSecret();
}

Error Corrupt(const std::string& why) { return InvalidError("OpenSSH private key: " + why); }

// Reads the header up to the private section; returns the header's public key.
Result<PublicKey> ReadHeader(WireReader& reader) {
  DRS_ASSIGN_OR_RETURN(std::string_view magic, reader.ReadBytes(kMagic.size(), "magic"));
  if (magic != kMagic) return Corrupt("does not start with \"openssh-key-v1\"");
  DRS_ASSIGN_OR_RETURN(std::string_view cipher, reader.ReadString("cipher name"));
  DRS_ASSIGN_OR_RETURN(std::string_view kdf, reader.ReadString("kdf name"));
  DRS_ASSIGN_OR_RETURN(std::string_view kdf_options, reader.ReadString("kdf options"));
  if (cipher != kNone || kdf != kNone || !kdf_options.empty()) {
    return FailedPreconditionError(
        "OpenSSH private key is encrypted with a passphrase; dr-syncer needs an unencrypted key");
  }
  DRS_ASSIGN_OR_RETURN(std::uint32_t key_count, reader.ReadU32("key count"));
  if (key_count != 1) {
    return Corrupt("holds " + std::to_string(key_count) + " keys, expected exactly 1");
  }
  DRS_ASSIGN_OR_RETURN(std::string_view blob, reader.ReadString("public key"));
  Result<PublicKey> key = PublicKey::FromBlob(blob);
  if (!key.ok()) return std::move(key).error().WithContext("reading the OpenSSH key header");
  return key;
}

// Reads the private section; returns the key pair it holds.
Result<KeyPair> ReadPrivateSection(std::string_view section, const PublicKey& header_key) {
  if (section.size() % kBlockSize != 0) {
    return Corrupt("private section of " + std::to_string(section.size()) +
                   " bytes is not padded to " + std::to_string(kBlockSize));
  }
  WireReader reader(section);
  DRS_ASSIGN_OR_RETURN(std::uint32_t check1, reader.ReadU32("check integer"));
  DRS_ASSIGN_OR_RETURN(std::uint32_t check2, reader.ReadU32("check integer"));
  if (check1 != check2) return Corrupt("check integers differ; the file is damaged");
  DRS_ASSIGN_OR_RETURN(std::string_view type, reader.ReadString("private key type"));
  if (type != kEd25519KeyType) return Corrupt("private section does not hold an ssh-ed25519 key");
  DRS_ASSIGN_OR_RETURN(std::string_view pub, reader.ReadString("private section public key"));
  DRS_ASSIGN_OR_RETURN(std::string_view priv, reader.ReadString("private key"));
  DRS_ASSIGN_OR_RETURN(std::string_view comment, reader.ReadString("comment"));
  if (priv.size() != kEd25519PrivateBytes) {
    return Corrupt("Ed25519 private key is " + std::to_string(priv.size()) + " bytes, expected " +
                   std::to_string(kEd25519PrivateBytes));
  }
  if (pub != header_key.raw() || priv.substr(kEd25519SeedBytes) != header_key.raw()) {
    return Corrupt("the public key copies in the file disagree");
  }
  // OpenSSH pads with 1, 2, 3, ... and never a whole block.
  if (reader.remaining() >= kBlockSize) return Corrupt("padding longer than a block");
  for (std::uint8_t expected = 1; !reader.empty(); ++expected) {
    DRS_ASSIGN_OR_RETURN(std::uint8_t pad, reader.ReadU8("padding"));
    if (pad != expected) return Corrupt("padding bytes are not 1, 2, 3, ...");
  }
  Result<KeyPair> pair = KeyPair::FromSeed(
      SecretBytes(std::string(priv.substr(0, kEd25519SeedBytes))), std::string(comment));
  if (!pair.ok()) return std::move(pair).error().WithContext("reading an OpenSSH private key");
  if (pair->public_key() != header_key) {
    return Corrupt("the private key does not match its public key");
  }
  return pair;
}

}  // namespace

SecretBytes EncodeOpenSshPrivateKeyWithCheck(const KeyPair& key, std::uint32_t check) {
  const SecretBytes section = EncodePrivateSection(key, check);
  WireWriter file;
  file.PutBytes(kMagic);
  file.PutString(kNone);
  file.PutString(kNone);
  file.PutString("");
  file.PutU32(1);
  file.PutString(key.public_key().Blob());
  file.PutString(section.reveal());
  return ArmorOpenSshKey(file.view());
}

Result<SecretBytes> EncodeOpenSshPrivateKey(const KeyPair& key) {
  std::array<unsigned char, sizeof(std::uint32_t)> random{};
  if (RAND_bytes(random.data(), static_cast<int>(random.size())) != 1) {
    return OpenSslError("drawing the check integer of an OpenSSH private key");
  }
  std::uint32_t check = 0;
  for (unsigned char b : random) check = check << 8 | b;
  return EncodeOpenSshPrivateKeyWithCheck(key, check);
}

Result<KeyPair> ParseOpenSshPrivateKey(const SecretBytes& text) {
  DRS_ASSIGN_OR_RETURN(const SecretBytes binary, DearmorOpenSshKey(text.reveal()));
  WireReader reader(binary.reveal());
  DRS_ASSIGN_OR_RETURN(const PublicKey header_key, ReadHeader(reader));
  DRS_ASSIGN_OR_RETURN(std::string_view section, reader.ReadString("private section"));
  if (!reader.empty()) {
    return Corrupt(std::to_string(reader.remaining()) + " unexpected bytes after the key");
  }
  return ReadPrivateSection(section, header_key);
}

}  // namespace drs::sshkeys
