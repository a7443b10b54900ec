#pragma once
// Source trees for the mover's integration tests: what a real volume holds
// and a copy most easily gets wrong.
//
// Thread-safety: functions writing only under the given root.

#include <cstdint>
#include <string>

#include "base/result.h"

namespace drs::mover::testing {

// 64 MiB: large enough that killing rsync mid-file is easy to time.
inline constexpr std::int64_t kBigFileBytes = std::int64_t{64} << 20;
inline constexpr std::string_view kBigFile = "big.bin";
inline constexpr std::string_view kSparseFile = "sparse.img";
inline constexpr std::int64_t kSparseFileBytes = std::int64_t{32} << 20;

// Writes under `root` (which must exist): 300 small files in 10 dirs,
// kBigFile, nested and empty dirs, relative / dangling / absolute symlinks,
// hard links within and across dirs, a setgid dir, a sticky dir, 0600, 0755
// and 0444 files, files and dirs owned by other uids and gids (a symlink
// too), kSparseFile with two 4 KiB extents, unicode names and names with
// spaces, a newline and wildcard characters, a FIFO, a user xattr and an
// extended POSIX ACL, and fixed old modification times.
// REQUIRES: running as root (chown).
Status BuildRichTree(const std::string& root);

// Writes `size` pseudo-random bytes (from `seed`) to `path`, mode 0644.
Status WriteRandomFile(const std::string& path, std::int64_t size, std::uint64_t seed);

// Flips one byte of `path` at `offset`, keeping its size and times.
Status CorruptByteKeepingTimes(const std::string& path, std::int64_t offset);

}  // namespace drs::mover::testing
