#pragma once
// PublicKey: an Ed25519 public key as OpenSSH names and prints it — the wire
// blob (string "ssh-ed25519", string key), the one-line form used in `.pub`
// files and authorized_keys ("ssh-ed25519 AAAAC3Nz... comment"), and the
// SHA256 fingerprint `ssh-keygen -lf` prints. Ed25519 is the only key type
// dr-syncer mints or accepts; every other type is refused by name.
//
// Thread-safety: a value type; pure functions.

#include <cstddef>
#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::sshkeys {

inline constexpr std::string_view kEd25519KeyType = "ssh-ed25519";
inline constexpr std::size_t kEd25519PublicKeyBytes = 32;
// Comments are free text for people; the cap only keeps a line sane.
inline constexpr std::size_t kMaxCommentBytes = 1024;

class PublicKey {
 public:
  // The 32 raw key bytes.
  static Result<PublicKey> FromRaw(std::string_view raw);
  // The SSH wire blob, exactly: string "ssh-ed25519", string key[32], nothing more.
  static Result<PublicKey> FromBlob(std::string_view blob);

  const std::string& raw() const { return raw_; }
  std::string Blob() const;
  // The blob in standard padded base64: the second field of a `.pub` line.
  std::string BlobBase64() const;
  // "SHA256:<unpadded base64 of SHA-256(blob)>", as `ssh-keygen -lf` prints it.
  std::string Fingerprint() const;
  // "ssh-ed25519 <base64>" without a comment or newline.
  std::string ToLine() const;

  friend bool operator==(const PublicKey&, const PublicKey&) = default;

 private:
  explicit PublicKey(std::string raw) : raw_(std::move(raw)) {}
  std::string raw_;
};

// A comment may be empty; it may not hold control characters (a newline would
// start a new authorized_keys entry) or exceed kMaxCommentBytes.
Status ValidateComment(std::string_view comment);

// "ssh-ed25519 <base64> <comment>" (no comment field when empty), no newline.
// Invalid if the comment is not valid.
Result<std::string> FormatPublicKeyLine(const PublicKey& key, std::string_view comment);

struct ParsedPublicKeyLine {
  PublicKey key;
  std::string comment;  // empty when the line has none
};

// Parses one `.pub` / authorized_keys line without options:
// "ssh-ed25519 <base64 blob> [comment]". Surrounding blanks and one trailing
// newline are accepted. Refused, each with its own reason: other key types
// (ssh-rsa, ecdsa-*, sk-*, certificates), options before the key type, bad
// base64, a blob whose type or length is wrong or that has trailing bytes, a
// type field that disagrees with the blob, several lines.
Result<ParsedPublicKeyLine> ParsePublicKeyLine(std::string_view line);

}  // namespace drs::sshkeys
