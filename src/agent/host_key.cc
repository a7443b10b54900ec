#include "agent/host_key.h"

#include <utility>

#include "agent/atomic_file.h"
#include "base/file_util.h"

namespace drs::agent {
namespace {

// An OpenSSH Ed25519 private key file is about 400 bytes.
constexpr std::size_t kMaxHostKeyBytes = 64 * 1024;
constexpr mode_t kPrivateKeyMode = 0600;
constexpr std::string_view kOpenSshArmor = "-----BEGIN OPENSSH PRIVATE KEY-----";

}  // namespace

HostKeyInstaller::HostKeyInstaller(std::string source_dir, std::string target_dir)
    : source_(std::move(source_dir) + "/" + kHostKeyName),
      target_(std::move(target_dir) + "/" + kHostKeyName) {}

Result<bool> HostKeyInstaller::Sync() {
  auto read = ReadFileToString(source_, kMaxHostKeyBytes);
  if (!read.ok()) return std::move(read).error().WithContext("reading the host key");
  SecretBytes key(std::move(read).value());
  if (!key.reveal().starts_with(kOpenSshArmor)) {
    return InvalidError("host key " + source_ + " is not an OpenSSH private key");
  }
  if (key == installed_) return false;
  DRS_RETURN_IF_ERROR(WriteFileAtomically(target_, key.reveal(), kPrivateKeyMode));
  installed_ = std::move(key);
  return true;
}

}  // namespace drs::agent
