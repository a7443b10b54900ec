#pragma once
// PullOptions: everything one `dr-syncer-agent pull` run needs — which agent
// to reach and how to trust it, which logical volume to read, where to write
// it, how to limit and check the transfer. Parsed from flags (each also
// DRS_<NAME> in the environment, as everywhere in dr-syncer) and validated
// before anything runs, so a bad Job spec fails at once with the flag named.
// The flag list is the contract in docs/data-sync.md ("pull").
//
// Thread-safety: value types and pure functions.

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "base/result.h"

namespace drs::mover {

enum class Verification { kNone, kSample, kFull };

// "none", "sample", "full" — the CRD's spellings.
std::string_view VerificationName(Verification mode);
Result<Verification> ParseVerification(std::string_view name);

struct PullOptions {
  std::string host;  // node address; an IPv6 address without brackets
  std::int64_t port = 2222;
  std::string user = "root";
  std::string path;  // "pvc/<namespace>/<claim>/", always with the trailing slash
  std::string dest = "/data";
  std::string identity_file;
  std::string known_hosts_file;
  std::int64_t bwlimit_kib = 0;  // KiB/s, 0 = unlimited
  std::vector<std::string> excludes;
  std::vector<std::string> rsync_options;  // each allowed by api/rsync_options.h
  Verification verification = Verification::kNone;
  std::int64_t sample_percent = 10;
  std::string termination_log = "/dev/termination-log";
  std::chrono::milliseconds timeout = std::chrono::minutes(30);  // 0 = none
  // Skipping unchanged volumes (mover/unchanged_check.h): report the tree
  // digests of this run, and skip the transfer when both trees still match
  // the previous run's ("sha256:..." each; both or neither).
  bool skip_unchanged = false;
  std::string previous_source_digest;
  std::string previous_destination_digest;
  // The programs, found on PATH unless they contain a '/'.
  std::string rsync_program = "rsync";
  std::string ssh_program = "ssh";
  // Seeds the sample of `--verification sample`; 0 picks a random seed. Not
  // a flag: tests set it to make a sample reproducible.
  std::uint64_t sample_seed = 0;
  // The control socket of the pull's shared ssh connection
  // (mover/shared_ssh_connection.h). Not a flag: RunPull sets it.
  std::string ssh_control_path;
  // Whether rsync handles holes (--sparse). It costs rsync a write() per
  // KiB received, so RunPull turns it off when the source's digest counted
  // no sparse file. Not a flag: rsyncOptions --sparse keeps it on.
  bool sparse = true;
};

// What ParsePullFlags found: the options, or that --help was asked for.
struct ParsedPullFlags {
  PullOptions options;
  bool help = false;
  std::string log_level = "info";
  std::string log_format = "text";
};

// Parses argv (argv[0] is "pull") and the environment (`getenv`, injectable
// for tests), then validates. --exclude and --rsync-option may repeat; their
// DRS_EXCLUDE / DRS_RSYNC_OPTION variables hold one entry per line and are
// used only when the command line has none. Errors are Invalid and name the
// flag.
Result<ParsedPullFlags> ParsePullFlags(
    int argc, const char* const* argv,
    const std::function<const char*(const char*)>& getenv = nullptr);

// The checks ParsePullFlags applies, for callers that build PullOptions
// themselves. Pure: files and directories are checked when the pull starts.
Status ValidatePullOptions(const PullOptions& options);

std::string PullUsage();

}  // namespace drs::mover
