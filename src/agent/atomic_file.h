#pragma once
// Whole-file replacement that readers never see half-done: the bytes go to a
// temporary file in the same directory, get their mode, are synced, and are
// renamed over the target. sshd reads the AuthorizedKeysFile on every
// authentication, so it sees either the old keys or the new ones.
//
// Thread-safety: safe from many threads for different targets; two writers
// of one target leave one of the two contents.

#include <sys/types.h>

#include <string>
#include <string_view>

#include "base/result.h"

namespace drs::agent {

// Replaces `path` with `content`, mode `mode` (not subject to the umask).
// Errors name the path; on error the target is unchanged and no temporary
// file is left behind.
Status WriteFileAtomically(const std::string& path, std::string_view content, mode_t mode);

}  // namespace drs::agent
