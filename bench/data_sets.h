#pragma once
// The data sets of data_bench, written into a volume directory on the
// local disk, and the file-tree chores around a run: reading a tree once
// so both sides start from a warm page cache, counting what arrived, and
// emptying a destination between runs.
//
// - Large files: `count` files of `bytes_each` random bytes (getrandom:
//   incompressible, so neither side gains from compression anywhere).
// - Small files: `count` files of 1-8 KiB (uniform, random contents from a
//   seeded generator) in nested directories: 100 files per leaf directory,
//   10 leaves per middle directory (top/mid/file, e.g. d003/d07/f042.bin),
//   which is how an application's many small files usually sit.
//
// Thread-safety: free functions over the named directories.

#include <cstdint>
#include <string>

#include "base/result.h"

namespace drs::bench {

struct TreeStats {
  std::int64_t files = 0;  // regular files
  std::int64_t dirs = 0;   // directories below the top
  std::int64_t bytes = 0;  // sum of the regular files' sizes
};

Status MakeLargeFiles(const std::string& dir, int count, std::int64_t bytes_each);
Status MakeSmallFiles(const std::string& dir, int count, std::uint64_t seed);

// Walks `dir` (not following symlinks), skipping the top-level entry named
// `skip_top` if one is given (the mover's temp dir). With `read_contents`
// every regular file is also read to the end.
Result<TreeStats> WalkTree(const std::string& dir, bool read_contents,
                           const std::string& skip_top = "");

// Removes everything inside `dir`, keeping `dir`.
Status EmptyDirectory(const std::string& dir);

}  // namespace drs::bench
