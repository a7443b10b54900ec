#pragma once
// DigestTree: a SHA-256 over the metadata of every entry of a directory
// tree — its path relative to the root, file type and mode, owner, group,
// size, modification and change times to the nanosecond, inode number,
// link count, and the device number of device nodes — read with lstat
// (a symlink is never followed) in byte order of names.
//
// Two digests of one tree are equal only if no entry was added, removed,
// renamed or changed in between: any write, chmod, chown, rename, link,
// ACL or xattr change sets the inode's change time (ctime), which no
// unprivileged call can set back. That makes the digest a cheap "did
// anything change?" test, as strong as rsync's own quick check (size and
// modification time) and stronger, and the PVC data path uses it to skip
// an rsync over a volume that did not change (docs/data-sync.md).
// Access times are left out: reading a file must not count as a change.
//
// Thread-safety: a pure function of the file system.

#include <cstdint>
#include <string>
#include <string_view>

#include "base/result.h"

namespace drs {

// Deeper trees are refused (each level holds a directory descriptor open);
// the caller falls back to a full comparison.
inline constexpr int kMaxTreeDigestDepth = 256;

struct TreeDigest {
  std::string value;         // "sha256:" + 64 lowercase hex digits
  std::int64_t entries = 0;  // the root and everything below it
  std::int64_t files = 0;    // regular files
  std::int64_t bytes = 0;    // their sizes
  // Regular files with fewer blocks allocated than their size: holes (or a
  // file system that compresses). Lets a copier skip hole handling, which
  // costs rsync a write per KiB, when there is nothing to keep sparse.
  std::int64_t sparse_files = 0;
};

// Fails when `root` is not a directory, an entry cannot be read, or an
// entry disappears during the walk (the tree is changing: there is nothing
// stable to record).
Result<TreeDigest> DigestTree(const std::string& root);

// Whether `value` has the form DigestTree produces.
bool IsTreeDigestValue(std::string_view value);

// "sha256:" + hex of SHA-256(`digest` + '\n' + `context`): binds a tree
// digest to the settings it was taken under, so that a digest recorded
// under other settings never matches.
std::string BindTreeDigest(std::string_view digest, std::string_view context);

}  // namespace drs
