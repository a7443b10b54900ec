#pragma once
// Known Ed25519 keys for the sshkeys unit tests (test-only, header-only).
// RFC 8032 §7.1 TEST 1 pairs a seed with its public key; the blob and the
// fingerprint were computed independently and checked with `ssh-keygen -lf`.

#include <string>
#include <string_view>

namespace drs::sshkeys::test {

inline constexpr std::string_view kRfc8032SeedHex =
    "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60";
inline constexpr std::string_view kRfc8032PublicHex =
    "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
inline constexpr std::string_view kRfc8032BlobBase64 =
    "AAAAC3NzaC1lZDI1NTE5AAAAINdamAGCsQq31Uv+08lkBzoO4XLz2qYjJa8CGmj3B1Ea";
inline constexpr std::string_view kRfc8032Fingerprint =
    "SHA256:bbXpuKG6zhzdmnxq256TlqzFBzRl2f6OOg722cYNbU8";

// REQUIRES: `hex` is lower-case hex of even length (test constants only).
inline std::string FromHex(std::string_view hex) {
  const auto nibble = [](char c) { return c <= '9' ? c - '0' : c - 'a' + 10; };
  std::string out;
  for (std::size_t i = 0; i + 1 < hex.size(); i += 2) {
    out += static_cast<char>(nibble(hex[i]) * 16 + nibble(hex[i + 1]));
  }
  return out;
}

}  // namespace drs::sshkeys::test
