#pragma once
// SecureBuffer: append-only scratch space for bytes that contain private key
// material while they are being encoded or decoded. Every buffer it ever
// owned is wiped (OPENSSL_cleanse) before it is freed — when it grows and when
// it dies — so no private byte is left behind in freed heap memory. The
// finished bytes move into SecretBytes without a copy.
//
// Thread-safety: a value type (move-only); one owner uses it at a time.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/secret_bytes.h"

namespace drs::sshkeys {

class SecureBuffer {
 public:
  SecureBuffer();
  ~SecureBuffer();
  SecureBuffer(SecureBuffer&& other) noexcept;
  SecureBuffer& operator=(SecureBuffer&&) = delete;
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;

  void Append(std::string_view bytes);
  void PushBack(char byte);
  // Grows (zero-filled) or shrinks to `size`; shrinking wipes the cut bytes.
  void Resize(std::size_t size);

  std::size_t size() const { return bytes_.size(); }
  // Writable bytes [0, size()), for OpenSSL calls that fill a buffer.
  char* data() { return bytes_.data(); }
  std::string_view view() const { return bytes_; }

  // Hands the bytes over; the buffer is empty afterwards.
  SecretBytes ReleaseSecret() &&;
  // For buffers that turned out to hold only public bytes (a public key blob).
  std::string ReleasePublic() &&;

 private:
  void EnsureCapacity(std::size_t needed);
  std::string bytes_;
};

}  // namespace drs::sshkeys
