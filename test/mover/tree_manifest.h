#pragma once
// TreeManifest: everything about a directory tree a faithful copy must
// keep — per path: type, mode (with setgid/sticky bits), owner, size,
// modification time, SHA-256 of the contents, symlink target, extended
// attributes (ACLs included, as system.posix_acl_access), and which paths
// are hard links of one another. Two trees match when their manifests are
// equal; Diff says where they do not.
//
// Thread-safety: value types and functions reading only the named tree.

#include <sys/types.h>

#include <cstdint>
#include <map>
#include <set>
#include <string>

#include "base/result.h"

namespace drs::mover::testing {

struct ManifestEntry {
  char type = '?';  // f d l p (fifo) ?
  mode_t mode = 0;  // permission bits with setuid/setgid/sticky
  uid_t uid = 0;
  gid_t gid = 0;
  std::int64_t size = 0;                      // regular files
  std::int64_t mtime_ns = 0;                  // every type, symlinks too
  std::string sha256;                         // regular files, hex
  std::string link_target;                    // symlinks
  std::map<std::string, std::string> xattrs;  // name -> value (hex)
  std::string
      hardlink_group;  // first path (sorted) of the same inode; regular files with links > 1
  std::int64_t blocks_512 = 0;  // allocated space; compared only by tests that ask
  friend bool operator==(const ManifestEntry& a, const ManifestEntry& b) {
    return a.type == b.type && a.mode == b.mode && a.uid == b.uid && a.gid == b.gid &&
           a.size == b.size && a.mtime_ns == b.mtime_ns && a.sha256 == b.sha256 &&
           a.link_target == b.link_target && a.xattrs == b.xattrs &&
           a.hardlink_group == b.hardlink_group;
  }
};

// Relative path ("." for the root) -> entry.
using TreeManifest = std::map<std::string, ManifestEntry>;

// Walks `root` without following symlinks. Top-level or nested entries
// whose name is in `skip_names` are left out, with everything below them.
Result<TreeManifest> BuildManifest(const std::string& root,
                                   const std::set<std::string>& skip_names = {});

// Human-readable differences, one per line; empty when equal.
std::string DiffManifests(const TreeManifest& want, const TreeManifest& got);

}  // namespace drs::mover::testing
