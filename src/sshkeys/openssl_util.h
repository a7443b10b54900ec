#pragma once
// Small RAII and error helpers over OpenSSL's C API, internal to sshkeys.
//
// Thread-safety: pure functions; OpenSSL's error queue is per thread.

#include <memory>
#include <string>
#include <string_view>

#include <openssl/evp.h>

#include "base/error.h"

namespace drs::sshkeys {

struct EvpPkeyFree {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
using UniqueEvpPkey = std::unique_ptr<EVP_PKEY, EvpPkeyFree>;

struct EvpPkeyCtxFree {
  void operator()(EVP_PKEY_CTX* p) const { EVP_PKEY_CTX_free(p); }
};
using UniqueEvpPkeyCtx = std::unique_ptr<EVP_PKEY_CTX, EvpPkeyCtxFree>;

// An Internal error "<what>: <OpenSSL's reason>", draining this thread's
// OpenSSL error queue so a stale entry never shows up in a later message.
Error OpenSslError(std::string_view what);

// OpenSSL takes and gives unsigned char; our bytes live in std::string.
inline const unsigned char* AsUnsigned(const char* p) {
  return reinterpret_cast<const unsigned char*>(p);
}
inline unsigned char* AsUnsigned(char* p) { return reinterpret_cast<unsigned char*>(p); }

}  // namespace drs::sshkeys
