#include "sshkeys/key_pair.h"

#include <openssl/crypto.h>
#include <openssl/evp.h>

#include "sshkeys/openssl_util.h"
#include "sshkeys/secure_buffer.h"

namespace drs::sshkeys {
namespace {

Result<PublicKey> DerivePublicKey(const SecretBytes& seed) {
  UniqueEvpPkey pkey(EVP_PKEY_new_raw_private_key(EVP_PKEY_ED25519, nullptr,
                                                  AsUnsigned(seed.reveal().data()), seed.size()));
  if (pkey == nullptr) return OpenSslError("loading an Ed25519 private key");
  std::string raw(kEd25519PublicKeyBytes, '\0');
  std::size_t size = raw.size();
  if (EVP_PKEY_get_raw_public_key(pkey.get(), AsUnsigned(raw.data()), &size) != 1 ||
      size != kEd25519PublicKeyBytes) {
    return OpenSslError("deriving an Ed25519 public key");
  }
  return PublicKey::FromRaw(raw);
}

}  // namespace

Result<KeyPair> KeyPair::Generate(std::string comment) {
  DRS_RETURN_IF_ERROR(ValidateComment(comment));
  UniqueEvpPkeyCtx ctx(EVP_PKEY_CTX_new_id(EVP_PKEY_ED25519, nullptr));
  EVP_PKEY* generated = nullptr;
  if (ctx == nullptr || EVP_PKEY_keygen_init(ctx.get()) != 1 ||
      EVP_PKEY_keygen(ctx.get(), &generated) != 1) {
    return OpenSslError("generating an Ed25519 key");
  }
  UniqueEvpPkey pkey(generated);
  SecureBuffer seed;
  seed.Resize(kEd25519SeedBytes);
  std::size_t size = seed.size();
  if (EVP_PKEY_get_raw_private_key(pkey.get(), AsUnsigned(seed.data()), &size) != 1 ||
      size != kEd25519SeedBytes) {
    return OpenSslError("reading a generated Ed25519 private key");
  }
  return FromSeed(std::move(seed).ReleaseSecret(), std::move(comment));
}

Result<KeyPair> KeyPair::FromSeed(SecretBytes seed, std::string comment) {
  if (seed.size() != kEd25519SeedBytes) {
    return InvalidError("an Ed25519 private key seed is " + std::to_string(kEd25519SeedBytes) +
                        " bytes, got " + std::to_string(seed.size()));
  }
  DRS_RETURN_IF_ERROR(ValidateComment(comment));
  DRS_ASSIGN_OR_RETURN(PublicKey public_key, DerivePublicKey(seed));
  return KeyPair(std::move(seed), std::move(public_key), std::move(comment));
}

std::string KeyPair::PublicKeyLine() const {
  std::string line = public_key_.ToLine();
  // The comment was validated when the pair was made.
  if (!comment_.empty()) line += " " + comment_;
  return line;
}

}  // namespace drs::sshkeys
