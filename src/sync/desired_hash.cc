#include "sync/desired_hash.h"

#include <openssl/evp.h>

#include "kube/object.h"
#include "sync/keys.h"

namespace drs::sync {

std::string Sha256Hex(std::string_view bytes) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  // The one-shot call allocates nothing we must free; a failure (no SHA-256
  // in the OpenSSL build) leaves length 0 and an empty hash, which never
  // matches an applied one, so the engine just re-applies.
  if (EVP_Digest(bytes.data(), bytes.size(), digest, &length, EVP_sha256(), nullptr) != 1) {
    return "";
  }
  static constexpr char kHex[] = "0123456789abcdef";
  constexpr unsigned kLowNibble = 0x0F;
  constexpr unsigned kNibbleBits = 4;
  std::string out;
  out.reserve(2 * length);
  for (unsigned int i = 0; i < length; ++i) {
    out += kHex[digest[i] >> kNibbleBits];
    out += kHex[digest[i] & kLowNibble];
  }
  return out;
}

std::string DesiredHash(const nlohmann::json& desired) {
  nlohmann::json copy = desired;
  kube::RemoveAnnotation(copy, kDesiredHashAnnotation);
  // `replace` instead of the default strict handler: dump() must not throw on
  // a string that is not valid UTF-8 (parsed input never has one, but
  // nothing here may throw).
  const std::string canonical = copy.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  return Sha256Hex(canonical).substr(0, kDesiredHashLength);
}

bool IsOurs(const nlohmann::json& dr_object) {
  const auto labels = kube::Labels(dr_object);
  const auto it = labels.find(std::string(kManagedByLabel));
  return it != labels.end() && it->second == kManagedByValue;
}

std::optional<std::string> AppliedHash(const nlohmann::json& dr_object) {
  const auto annotations = kube::Annotations(dr_object);
  const auto it = annotations.find(std::string(kDesiredHashAnnotation));
  if (it == annotations.end() || it->second.empty()) return std::nullopt;
  return it->second;
}

}  // namespace drs::sync
