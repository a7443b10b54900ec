#pragma once
// HostKeyInstaller: copies the host key from its mounted Secret into the
// agent's state directory with mode 0600. Secret volumes are commonly
// mounted 0644 (and through a "..data" symlink), and sshd refuses a private
// host key that others can read; the copy also lets the agent notice a
// rotated key and tell sshd to reload.
//
// Thread-safety: not thread-safe; the agent's main loop owns it.

#include <string>

#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::agent {

inline constexpr const char* kHostKeyName = "ssh_host_ed25519_key";

class HostKeyInstaller {
 public:
  // Reads <source_dir>/ssh_host_ed25519_key, writes <target_dir>/ssh_host_ed25519_key.
  HostKeyInstaller(std::string source_dir, std::string target_dir);

  // Installs the key if it differs from the installed one. Returns whether
  // it changed. Invalid (naming the file, never showing its bytes) when the
  // source is not an OpenSSH private key.
  Result<bool> Sync();

  const std::string& installed_path() const { return target_; }

 private:
  const std::string source_;
  const std::string target_;
  SecretBytes installed_;
};

}  // namespace drs::agent
