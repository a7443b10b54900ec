#include "sshkeys/secure_buffer.h"

#include <algorithm>
#include <utility>

#include <openssl/crypto.h>

namespace drs::sshkeys {
namespace {

// Above std::string's inline (small string) capacity, so the bytes always live
// on the heap: moving the string into SecretBytes then transfers the buffer
// instead of copying it and leaving an unwiped inline copy behind.
constexpr std::size_t kInitialCapacity = 256;

void Wipe(std::string& s) {
  if (s.capacity() > 0) OPENSSL_cleanse(s.data(), s.capacity());
  s.clear();
}

}  // namespace

SecureBuffer::SecureBuffer() { bytes_.reserve(kInitialCapacity); }

SecureBuffer::~SecureBuffer() { Wipe(bytes_); }

SecureBuffer::SecureBuffer(SecureBuffer&& other) noexcept : bytes_(std::move(other.bytes_)) {
  Wipe(other.bytes_);
}

void SecureBuffer::EnsureCapacity(std::size_t needed) {
  if (needed <= bytes_.capacity()) return;
  // Grow by hand: std::string would free the old buffer without wiping it.
  std::string bigger;
  bigger.reserve(std::max(needed, 2 * bytes_.capacity()));
  bigger.append(bytes_);
  Wipe(bytes_);
  bytes_.swap(bigger);
}

void SecureBuffer::Append(std::string_view bytes) {
  EnsureCapacity(bytes_.size() + bytes.size());
  bytes_.append(bytes);
}

void SecureBuffer::PushBack(char byte) {
  EnsureCapacity(bytes_.size() + 1);
  bytes_.push_back(byte);
}

void SecureBuffer::Resize(std::size_t size) {
  if (size < bytes_.size()) OPENSSL_cleanse(bytes_.data() + size, bytes_.size() - size);
  EnsureCapacity(size);
  bytes_.resize(size, '\0');
}

SecretBytes SecureBuffer::ReleaseSecret() && {
  SecretBytes secret(std::move(bytes_));
  Wipe(bytes_);
  return secret;
}

std::string SecureBuffer::ReleasePublic() && {
  std::string out(bytes_);
  Wipe(bytes_);
  return out;
}

}  // namespace drs::sshkeys
