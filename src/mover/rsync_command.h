#pragma once
// The rsync command lines of a pull: the transfer itself and the checksum
// pass that verifies it. Both read `<user>@<host>:pvc/<ns>/<claim>/` through
// the agent's gate, which sees only the server half of the command (docs/
// data-sync.md lists it exactly); so everything that can stay on our side
// (deletes, partial and temp dirs, excludes, stats, progress) stays here,
// and the sender receives a small, stable option set.
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "mover/pull_options.h"

namespace drs::mover {

// Where an interrupted transfer's data waits, in each directory: rsync moves
// a half-received file here on a clean interruption and resumes from it
// next time. rsync excludes it from the transfer and protects it from
// --delete itself.
inline constexpr std::string_view kPartialDirName = ".dr-syncer-partial";
// Where files are written while they arrive (--temp-dir), at the top of the
// destination: a receiver killed outright (SIGKILL, OOM, node loss) cannot
// move its temp file anywhere, so it must never be written into the visible
// tree. The mover empties it before each run and removes it after.
inline constexpr std::string_view kTempDirName = ".dr-syncer-tmp";

// What the destination file system can keep (see destination_dir.h).
struct DestinationSupport {
  bool acls = false;
  bool xattrs = false;
};

// "user@host:pvc/ns/claim/", with an IPv6 host in brackets.
std::string RemoteSource(const PullOptions& options);

// rsync ... -e "<ssh>" <remote> <dest>/ for the transfer: archive mode with
// hard links, numeric ids and sparse files (ACLs and xattrs when `support`
// says so), --delete, the partial and temp dirs (each file appears whole,
// renamed into place as soon as it is complete), --stats without
// human-readable numbers, then the bandwidth limit, the user's excludes and
// allow-listed options.
std::vector<std::string> BuildTransferArgv(const PullOptions& options, DestinationSupport support);

// The verification pass: the same attributes and filters with --checksum
// --dry-run --itemize-changes, so every difference left is one output line.
// `sample_rules_file` (NUL-separated include rules, see rsync_verification.h)
// restricts it to a sample; empty = the whole tree.
std::vector<std::string> BuildVerifyArgv(const PullOptions& options, DestinationSupport support,
                                         const std::string& sample_rules_file);

// The environment rsync and ssh run with: only PATH and HOME from ours, and
// the C locale so numbers and messages have one format. Dropping the rest
// keeps RSYNC_PROTECT_ARGS, RSYNC_RSH and friends from changing what the
// gate is sent.
std::vector<std::string> RsyncEnvironment();

}  // namespace drs::mover
