#pragma once
// The destination directory's preparation: check it is a writable
// directory, give rsync its private temp dir (kTempDirName, emptied of
// whatever a killed run left), and find out whether the file system keeps
// ACLs and extended attributes — rsync -A/-X fail every file on one that
// does not (tmpfs without ACLs, some network and FUSE file systems), so they
// are only asked for when a probe succeeds.
//
// Thread-safety: functions touching only the named directory; not safe
// against another pull into the same directory (one Job per volume).

#include <string>

#include "base/result.h"
#include "mover/rsync_command.h"

namespace drs::mover {

// FailedPrecondition naming `dest` when it is missing, not a directory or
// not writable.
Status CheckDestination(const std::string& dest);

// Removes <dest>/<kTempDirName> with everything in it (a symlink there is
// removed, never followed) and creates it again, empty, mode 0700.
Status PrepareTempDir(const std::string& dest);

// Removes <dest>/<kTempDirName> and everything in it, keeping <dest>'s
// modification time (rsync set it to the source's); missing is fine.
Status RemoveTempDir(const std::string& dest);

// Sets a user xattr and a POSIX ACL on a scratch file in the temp dir.
// REQUIRES: PrepareTempDir(dest) succeeded.
DestinationSupport ProbeDestinationSupport(const std::string& dest);

}  // namespace drs::mover
