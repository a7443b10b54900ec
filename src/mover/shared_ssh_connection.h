#pragma once
// SharedSshConnection: one SSH connection for all the sessions of a pull —
// the tree digest, the transfer, the verification pass. The first ssh that
// names the control socket (ControlMaster=auto) opens the connection and
// keeps it in the background; the others run their session over it and
// skip the key exchange and authentication, about 0.2 s each on the bench
// machine (OpenSSH 9.2's sntrup761x25519 key exchange is most of it).
//
// The socket lives in a fresh 0700 directory: whoever can reach it can open
// sessions with the mover's key. The master exits when this object dies
// (`ssh -O exit`), or by itself after kSshControlPersistSeconds without a
// session if the pull was killed first.
//
// Thread-safety: not thread-safe; one pull owns it.

#include <string>

namespace drs::mover {

inline constexpr int kSshControlPersistSeconds = 30;

class SharedSshConnection {
 public:
  // Makes the directory under $TMPDIR (or /tmp). If that fails, path() is
  // empty and each session opens its own connection, as without sharing.
  explicit SharedSshConnection(std::string ssh_program);
  ~SharedSshConnection();
  SharedSshConnection(const SharedSshConnection&) = delete;
  SharedSshConnection& operator=(const SharedSshConnection&) = delete;

  // The control socket's path, for ssh's ControlPath; empty = no sharing.
  const std::string& path() const { return path_; }

 private:
  std::string ssh_program_;
  std::string dir_;
  std::string path_;
};

}  // namespace drs::mover
