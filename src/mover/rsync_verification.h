#pragma once
// Verification after a transfer: a second rsync pass with --checksum
// --dry-run --itemize-changes (rsync_command.h) lists every file whose
// contents or attributes still differ from the source, one line each; zero
// lines means the copy matches. `sample` restricts that pass to a random
// share of the regular files at the destination, through include rules
// that travel inside rsync's protocol (not --files-from, which would let a
// client name arbitrary paths for the sender to open, so the gate refuses
// it).
//
// Thread-safety: pure functions, except SampleFiles, which reads the
// destination tree.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::mover {

// rsync's filter matching is linear in the number of rules, so a sample of
// a huge tree is capped: 1000 files checksummed is already a strong check.
inline constexpr std::size_t kMaxSampleFiles = 1000;

struct Difference {
  std::string line;  // rsync's itemized line, names escaped by rsync
  // The contents differ although size and modification time match: no
  // ordinary write does that, and a plain sync (which compares size and
  // time) will never repair it.
  bool content_only = false;
};

// One line of --itemize-changes output ("YXcstpoguax name" or "*deleting
// name"); empty for anything else (the --stats block, blank lines).
std::optional<Difference> ParseItemizeLine(std::string_view line);

// Relative paths of ceil(N x percent / 100) of the N regular files under
// `dest` (at least one when N > 0, at most kMaxSampleFiles), chosen
// uniformly at random from `seed` (0 = a random seed). Our scratch dirs
// are skipped; symlinks are not followed.
Result<std::vector<std::string>> SampleFiles(const std::string& dest, std::int64_t percent,
                                             std::uint64_t seed);

// The --include-from contents (--from0: NUL-separated) selecting exactly
// `paths` and their parent directories, anchored at the transfer root and
// with wildcard characters escaped.
std::string SampleIncludeRules(const std::vector<std::string>& paths);

}  // namespace drs::mover
