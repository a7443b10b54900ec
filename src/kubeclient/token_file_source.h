#pragma once
// TokenFileSource: the current bearer token from a file that may be
// replaced at any time — projected service account tokens (kubelet swaps the
// file about hourly) and kubeconfig tokenFile entries. A request asks for the
// token every time; the file is re-read when it changed (device, inode, size
// or mtime differ) and at least every kMaxTokenAge, so an in-place rewrite
// that keeps size and mtime is still picked up.
//
// Owned by the client that uses the token. Thread-safety: thread-safe.

#include <sys/stat.h>

#include <chrono>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "base/clock.h"
#include "base/result.h"
#include "base/secret_bytes.h"

namespace drs::kubeclient {

// client-go re-reads token files once a minute; we do the same at most.
inline constexpr std::chrono::minutes kMaxTokenAge{1};

class TokenFileSource {
 public:
  // REQUIRES: `clock` outlives this object.
  TokenFileSource(std::string path, Clock& clock);

  // The token with surrounding whitespace removed. An unreadable or empty
  // file is an error naming the path.
  Result<SecretBytes> Token();

  const std::string& path() const { return path_; }

 private:
  struct Stamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t mtime_ns = 0;
    bool operator==(const Stamp&) const = default;
  };

  const std::string path_;
  Clock& clock_;
  std::mutex mu_;
  SecretBytes token_;           // guarded by mu_
  std::optional<Stamp> stamp_;  // guarded by mu_; of the file token_ came from
  Clock::TimePoint read_at_;    // guarded by mu_
};

}  // namespace drs::kubeclient
