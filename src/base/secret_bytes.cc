#include "base/secret_bytes.h"

#include <openssl/crypto.h>

namespace drs {

SecretBytes& SecretBytes::operator=(SecretBytes&& other) noexcept {
  if (this != &other) {
    Wipe();
    bytes_ = std::move(other.bytes_);
    other.Wipe();
  }
  return *this;
}

bool SecretBytes::operator==(const SecretBytes& other) const {
  // Constant time, so comparing a presented token leaks nothing by timing.
  return bytes_.size() == other.bytes_.size() &&
         CRYPTO_memcmp(bytes_.data(), other.bytes_.data(), bytes_.size()) == 0;
}

void SecretBytes::Wipe() {
  // Wipe the whole capacity: short strings live inline, long ones on the heap.
  if (bytes_.capacity() > 0) OPENSSL_cleanse(bytes_.data(), bytes_.capacity());
  bytes_.clear();
}

std::ostream& operator<<(std::ostream& os, const SecretBytes& s) {
  return os << "[redacted: " << s.size() << " bytes]";
}

}  // namespace drs
