#pragma once
// The rsync options users may add through
// spec.pvcConfig.dataSyncConfig.rsyncOptions. The mover builds the transfer
// itself (archive mode, --delete, a partial and a temp dir, the
// ssh command, bandwidth limit, excludes) and the agent's rsync gate only
// lets a read-only sender through, so user options are limited to ones that
// tune that transfer without changing where data goes, what may be deleted,
// or which program runs. One option per list entry; no bundled short
// options ("-cz"): spell them separately ("-c", "-z").
//
// Allowed (the CRD's CEL rule is built from the same list):
//   --checksum -c            compare by checksum, not size and time
//   --compress -z            compress on the wire
//   --compress-level=N       N in 0-9
//   --hard-links -H          keep hard links
//   --acls -A                keep ACLs
//   --xattrs -X              keep extended attributes
//   --sparse -S              write sparse files sparsely
//   --numeric-ids            keep uid/gid numbers, do not map names
//   --whole-file -W          no delta transfer
//   --no-whole-file          delta transfer even locally
//   --delete-excluded        also remove excluded files from the copy
//   --size-only              compare by size only
//   --ignore-times -I        transfer even files that look unchanged
//   --one-file-system -x     do not cross file system boundaries
//   --no-owner --no-group --no-perms   do not keep those attributes
//   --modify-window=N        N in 0-9999 seconds
//   --timeout=N              I/O timeout, N in 0-999999 seconds
//   --max-size=S --min-size=S   S: 1-12 digits with an optional K/M/G suffix
// Everything else (--rsh, --rsync-path, --remove-source-files, --files-from,
// --filter, --bwlimit, --partial-dir, --inplace, --temp-dir, --link-dest,
// --chown, --log-file, --server, ...) is refused.
//
// Thread-safety: pure functions.

#include <string_view>

#include "base/result.h"

namespace drs::api {

// The same rule as the CRD's regular expression.
bool IsAllowedRsyncOption(std::string_view option);
// Invalid, quoting the option and pointing at docs/api.md, when it is not.
Status CheckRsyncOption(std::string_view option);

// The allow-list as one RE2/ECMAScript-compatible pattern, anchored; the CRD
// uses this exact text.
std::string_view RsyncOptionPattern();

}  // namespace drs::api
