#pragma once
// The SSH wire encoding (RFC 4251 §5) that public key blobs and the OpenSSH
// private key format are made of: uint32 in network byte order, and "string"
// = uint32 length followed by that many bytes.
//
// WireWriter builds into a SecureBuffer, so it is safe for private bytes.
// WireReader reads a borrowed view without copying; every read is bounds
// checked and a short buffer is an Invalid error naming the field, never its
// content (which may be a private key).
//
// Thread-safety: value types; one owner uses each at a time.

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/secret_bytes.h"
#include "sshkeys/secure_buffer.h"

namespace drs::sshkeys {

class WireWriter {
 public:
  void PutU8(std::uint8_t v);
  void PutU32(std::uint32_t v);
  // Raw bytes, no length prefix.
  void PutBytes(std::string_view bytes);
  // A length-prefixed string.
  void PutString(std::string_view bytes);

  std::size_t size() const { return buffer_.size(); }
  std::string_view view() const { return buffer_.view(); }
  SecretBytes ReleaseSecret() && { return std::move(buffer_).ReleaseSecret(); }
  std::string ReleasePublic() && { return std::move(buffer_).ReleasePublic(); }

 private:
  SecureBuffer buffer_;
};

class WireReader {
 public:
  // `data` must outlive the reader and every view it returns.
  explicit WireReader(std::string_view data) : rest_(data) {}

  // `field` names what is being read, for the error message.
  Result<std::uint8_t> ReadU8(std::string_view field);
  Result<std::uint32_t> ReadU32(std::string_view field);
  Result<std::string_view> ReadBytes(std::size_t n, std::string_view field);
  Result<std::string_view> ReadString(std::string_view field);

  bool empty() const { return rest_.empty(); }
  std::size_t remaining() const { return rest_.size(); }

 private:
  std::string_view rest_;
};

}  // namespace drs::sshkeys
