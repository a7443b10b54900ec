#pragma once
// SecretBytes: private keys, tokens and Secret data. The bytes are wiped when
// the object dies (explicit_bzero, which the compiler may not elide), there
// is no operator<< and no fmt formatter that reveals them, and copies are
// explicit. Read them only through reveal(), at the point of use.
//
// Thread-safety: a value type.

#include <cstddef>
#include <ostream>
#include <string>
#include <string_view>

namespace drs {

class SecretBytes {
 public:
  SecretBytes() = default;
  explicit SecretBytes(std::string bytes) : bytes_(std::move(bytes)) {}
  ~SecretBytes() { Wipe(); }

  SecretBytes(SecretBytes&& other) noexcept : bytes_(std::move(other.bytes_)) { other.Wipe(); }
  SecretBytes& operator=(SecretBytes&& other) noexcept;
  SecretBytes(const SecretBytes&) = delete;
  SecretBytes& operator=(const SecretBytes&) = delete;
  SecretBytes Copy() const { return SecretBytes(bytes_); }

  std::string_view reveal() const { return bytes_; }
  std::size_t size() const { return bytes_.size(); }
  bool empty() const { return bytes_.empty(); }
  bool operator==(const SecretBytes& other) const;

 private:
  void Wipe();
  std::string bytes_;
};

// Prints "[redacted: N bytes]", never the bytes, so a stray log line is safe.
std::ostream& operator<<(std::ostream& os, const SecretBytes& s);

}  // namespace drs
