#include "sshkeys/openssl_util.h"

#include <array>
#include <string>

#include <openssl/err.h>

namespace drs::sshkeys {
namespace {

// ERR_error_string_n truncates to this; OpenSSL's own messages fit easily.
constexpr std::size_t kErrorTextBytes = 256;

}  // namespace

Error OpenSslError(std::string_view what) {
  std::string reason;
  for (unsigned long code = ERR_get_error(); code != 0; code = ERR_get_error()) {
    std::array<char, kErrorTextBytes> text{};
    ERR_error_string_n(code, text.data(), text.size());
    if (!reason.empty()) reason += "; ";
    reason += text.data();
  }
  if (reason.empty()) reason = "no reason given by OpenSSL";
  return InternalError(std::string(what) + ": " + reason);
}

}  // namespace drs::sshkeys
