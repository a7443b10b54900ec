#include "sshkeys/public_key.h"

#include <array>

#include <openssl/evp.h>

#include "base/base64.h"
#include "sshkeys/openssl_util.h"
#include "sshkeys/ssh_wire.h"

namespace drs::sshkeys {
namespace {

constexpr std::string_view kBlanks = " \t";
// A type token longer than this is not a key type; it is not echoed.
constexpr std::size_t kMaxEchoedTypeBytes = 64;

std::string_view Trim(std::string_view s) {
  const std::size_t first = s.find_first_not_of(kBlanks);
  if (first == std::string_view::npos) return {};
  return s.substr(first, s.find_last_not_of(kBlanks) - first + 1);
}

// Splits off the first blank-separated token; `rest` keeps what follows.
std::string_view NextToken(std::string_view& rest) {
  rest = Trim(rest);
  const std::size_t end = rest.find_first_of(kBlanks);
  std::string_view token = rest.substr(0, end);
  rest = end == std::string_view::npos ? std::string_view{} : Trim(rest.substr(end));
  return token;
}

bool LooksLikeKeyType(std::string_view token) {
  if (token.empty() || token.size() > kMaxEchoedTypeBytes) return false;
  for (char c : token) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.' ||
                    c == '@' || c == '_';
    if (!ok) return false;
  }
  return token.starts_with("ssh-") || token.starts_with("ecdsa-") || token.starts_with("sk-") ||
         token.find("@openssh.com") != std::string_view::npos;
}

Error UnsupportedType(std::string_view type) {
  return InvalidError("unsupported SSH key type \"" + std::string(type) +
                      "\": dr-syncer uses only ssh-ed25519 keys");
}

}  // namespace

Result<PublicKey> PublicKey::FromRaw(std::string_view raw) {
  if (raw.size() != kEd25519PublicKeyBytes) {
    return InvalidError("an Ed25519 public key is " + std::to_string(kEd25519PublicKeyBytes) +
                        " bytes, got " + std::to_string(raw.size()));
  }
  return PublicKey(std::string(raw));
}

Result<PublicKey> PublicKey::FromBlob(std::string_view blob) {
  WireReader reader(blob);
  DRS_ASSIGN_OR_RETURN(std::string_view type, reader.ReadString("public key type"));
  if (type != kEd25519KeyType) {
    if (LooksLikeKeyType(type)) return UnsupportedType(type);
    return InvalidError("public key blob does not start with a key type name");
  }
  DRS_ASSIGN_OR_RETURN(std::string_view raw, reader.ReadString("Ed25519 public key"));
  if (!reader.empty()) {
    return InvalidError("public key blob has " + std::to_string(reader.remaining()) +
                        " unexpected bytes after the key");
  }
  return FromRaw(raw);
}

std::string PublicKey::Blob() const {
  WireWriter writer;
  writer.PutString(kEd25519KeyType);
  writer.PutString(raw_);
  return std::move(writer).ReleasePublic();
}

std::string PublicKey::BlobBase64() const { return Base64Encode(Blob()); }

std::string PublicKey::Fingerprint() const {
  const std::string blob = Blob();
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int digest_size = 0;
  // SHA-256 of a few dozen bytes cannot fail short of memory exhaustion.
  EVP_Digest(blob.data(), blob.size(), digest.data(), &digest_size, EVP_sha256(), nullptr);
  std::string encoded =
      Base64Encode(std::string_view(reinterpret_cast<const char*>(digest.data()), digest_size));
  while (!encoded.empty() && encoded.back() == '=') encoded.pop_back();
  return "SHA256:" + encoded;
}

std::string PublicKey::ToLine() const { return std::string(kEd25519KeyType) + " " + BlobBase64(); }

Status ValidateComment(std::string_view comment) {
  if (comment.size() > kMaxCommentBytes) {
    return InvalidError("SSH key comment is " + std::to_string(comment.size()) +
                        " bytes, more than the " + std::to_string(kMaxCommentBytes) + " allowed");
  }
  for (std::size_t i = 0; i < comment.size(); ++i) {
    const auto c = static_cast<unsigned char>(comment[i]);
    if (c < 0x20 || c == 0x7f) {
      return InvalidError("SSH key comment has a control character at offset " + std::to_string(i) +
                          "; it must be one line of text");
    }
  }
  return OkStatus();
}

Result<std::string> FormatPublicKeyLine(const PublicKey& key, std::string_view comment) {
  DRS_RETURN_IF_ERROR(ValidateComment(comment));
  std::string line = key.ToLine();
  if (!comment.empty()) {
    line += ' ';
    line += comment;
  }
  return line;
}

Result<ParsedPublicKeyLine> ParsePublicKeyLine(std::string_view line) {
  if (line.ends_with('\n')) line.remove_suffix(1);
  if (line.ends_with('\r')) line.remove_suffix(1);
  if (line.find_first_of("\r\n") != std::string_view::npos) {
    return InvalidError("expected one public key line, got several lines");
  }
  std::string_view rest = line;
  const std::string_view type = NextToken(rest);
  if (type.empty()) return InvalidError("empty public key line");
  if (type != kEd25519KeyType) {
    if (LooksLikeKeyType(type)) return UnsupportedType(type);
    return InvalidError(
        "not a public key line: expected \"ssh-ed25519 <base64> [comment]\" "
        "(authorized_keys options are not accepted)");
  }
  const std::string_view encoded = NextToken(rest);
  if (encoded.empty()) return InvalidError("public key line has a key type but no key");
  Result<std::string> blob = Base64Decode(encoded);
  if (!blob.ok()) return std::move(blob).error().WithContext("decoding the public key");
  Result<PublicKey> key = PublicKey::FromBlob(*blob);
  if (!key.ok()) {
    return std::move(key).error().WithContext("reading the key of an ssh-ed25519 line");
  }
  DRS_RETURN_IF_ERROR(ValidateComment(rest));
  return ParsedPublicKeyLine{.key = std::move(key).value(), .comment = std::string(rest)};
}

}  // namespace drs::sshkeys
