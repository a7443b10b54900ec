#pragma once
// Skipping unchanged volumes (docs/data-sync.md, "Skipping unchanged
// volumes"). rsync proves a volume unchanged by listing every file on both
// ends and comparing each pair: for 100,000 files that is most of a second
// of CPU on each side, every sync. A tree digest (base/tree_digest.h) says
// the same thing from one stat per entry: the agent digests the source
// (`dr-syncer-tree-digest`, under the gate's rules), the mover digests the
// destination, and when both equal what the last successful run recorded,
// neither tree changed and the transfer is skipped.
//
// Recorded digests are bound to the transfer's settings (the volume, the
// excludes and the rsync options), so a changed setting never matches a
// digest recorded under another.
//
// Thread-safety: pure functions, except FetchSourceDigest, which runs ssh.

#include <chrono>
#include <stop_token>
#include <string>
#include <string_view>

#include "base/result.h"
#include "base/tree_digest.h"
#include "mover/pull_options.h"

namespace drs::mover {

// The settings a recorded digest is bound to.
std::string TransferContext(const PullOptions& o);

// The agent's answer, one JSON line: {"digest": "sha256:...", "entries": N,
// "files": N, "bytes": N, "sparseFiles": N}; sparse_files is -1 (unknown)
// when the agent did not count them. Invalid for anything else.
Result<TreeDigest> ParseSourceDigestAnswer(std::string_view answer);

// Asks the agent for the source volume's digest over ssh, with the same
// pinned host key and identity as the transfer. Errors carry the agent's
// reason (an older agent refuses the command; a changing tree has none).
Result<TreeDigest> FetchSourceDigest(const PullOptions& o, std::chrono::milliseconds timeout,
                                     std::stop_token stop);

}  // namespace drs::mover
