#include "sshkeys/openssh_armor.h"

#include <openssl/evp.h>

#include "sshkeys/openssl_util.h"
#include "sshkeys/secure_buffer.h"

namespace drs::sshkeys {
namespace {

// OpenSSH wraps the base64 body at 70 characters (sshbuf_dtob64).
constexpr std::size_t kLineChars = 70;
constexpr std::size_t kBase64Quantum = 4;
constexpr std::string_view kBase64Alphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr std::string_view kPemPrefix = "-----BEGIN ";
constexpr std::string_view kBlanks = " \t\r\n";

bool IsBlank(std::string_view s) { return s.find_first_not_of(kBlanks) == std::string_view::npos; }

// Strict standard base64 shape: alphabet, length a multiple of four, at most
// two '=' and only at the end. EVP_DecodeBlock alone is more lenient.
Status CheckBase64Shape(std::string_view b64) {
  if (b64.empty()) return InvalidError("OpenSSH private key has an empty body");
  if (b64.size() % kBase64Quantum != 0) {
    return InvalidError("OpenSSH private key body is " + std::to_string(b64.size()) +
                        " base64 characters, not a multiple of four");
  }
  std::size_t padding = 0;
  while (padding < 2 && b64[b64.size() - 1 - padding] == '=') ++padding;
  for (std::size_t i = 0; i + padding < b64.size(); ++i) {
    if (kBase64Alphabet.find(b64[i]) == std::string_view::npos) {
      return InvalidError("OpenSSH private key body has a non-base64 character at offset " +
                          std::to_string(i));
    }
  }
  return OkStatus();
}

Error NotOpenSsh(std::string_view text) {
  const std::size_t begin = text.find(kPemPrefix);
  if (begin != std::string_view::npos) {
    const std::size_t label_start = begin + kPemPrefix.size();
    const std::size_t label_end = text.find("-----", label_start);
    // Labels are short upper-case words; anything else is not echoed.
    if (label_end != std::string_view::npos && label_end - label_start <= 40) {
      return InvalidError("not an OpenSSH private key: found a PEM \"" +
                          std::string(text.substr(label_start, label_end - label_start)) +
                          "\" block; dr-syncer reads only the OpenSSH format");
    }
  }
  return InvalidError("not an OpenSSH private key: no \"" + std::string(kOpenSshBeginMarker) +
                      "\" line");
}

}  // namespace

SecretBytes ArmorOpenSshKey(std::string_view binary) {
  SecureBuffer encoded;
  encoded.Resize((binary.size() + 2) / 3 * kBase64Quantum + 1);  // +1: EVP writes a NUL
  const int written = EVP_EncodeBlock(AsUnsigned(encoded.data()), AsUnsigned(binary.data()),
                                      static_cast<int>(binary.size()));
  encoded.Resize(static_cast<std::size_t>(written));

  SecureBuffer out;
  out.Append(kOpenSshBeginMarker);
  out.PushBack('\n');
  const std::string_view body = encoded.view();
  for (std::size_t i = 0; i < body.size(); i += kLineChars) {
    out.Append(body.substr(i, kLineChars));
    out.PushBack('\n');
  }
  out.Append(kOpenSshEndMarker);
  out.PushBack('\n');
  return std::move(out).ReleaseSecret();
}

Result<SecretBytes> DearmorOpenSshKey(std::string_view text) {
  const std::size_t begin = text.find(kOpenSshBeginMarker);
  if (begin == std::string_view::npos) return NotOpenSsh(text);
  if (!IsBlank(text.substr(0, begin))) {
    return InvalidError("OpenSSH private key has text before its BEGIN line");
  }
  const std::size_t body_start = begin + kOpenSshBeginMarker.size();
  const std::size_t end = text.find(kOpenSshEndMarker, body_start);
  if (end == std::string_view::npos) {
    return InvalidError("OpenSSH private key has no \"" + std::string(kOpenSshEndMarker) +
                        "\" line");
  }
  if (!IsBlank(text.substr(end + kOpenSshEndMarker.size()))) {
    return InvalidError("OpenSSH private key has text after its END line");
  }
  const std::string_view armoured = text.substr(body_start, end - body_start);
  if (armoured.empty() || (armoured.front() != '\n' && armoured.front() != '\r')) {
    return InvalidError("OpenSSH private key's BEGIN line is not followed by a line break");
  }

  SecureBuffer b64;
  for (char c : armoured) {
    if (kBlanks.find(c) == std::string_view::npos) b64.PushBack(c);
  }
  DRS_RETURN_IF_ERROR(CheckBase64Shape(b64.view()));
  std::size_t padding = 0;
  for (std::size_t i = b64.size(); i > 0 && b64.view()[i - 1] == '='; --i) ++padding;

  SecureBuffer binary;
  binary.Resize(b64.size() / kBase64Quantum * 3);
  const int decoded = EVP_DecodeBlock(AsUnsigned(binary.data()), AsUnsigned(b64.data()),
                                      static_cast<int>(b64.size()));
  if (decoded < 0 || static_cast<std::size_t>(decoded) != binary.size()) {
    return InvalidError("OpenSSH private key body is not valid base64");
  }
  // EVP_DecodeBlock counts the zero bytes that padding stands for.
  binary.Resize(binary.size() - padding);
  return std::move(binary).ReleaseSecret();
}

}  // namespace drs::sshkeys
