// ParsePullFlags: the command line of `dr-syncer-agent pull` onto PullOptions
// (declared in pull_options.h).

#include <cstdlib>
#include <map>
#include <sstream>

#include "base/flags.h"
#include "mover/pull_options.h"

namespace drs::mover {
namespace {

// Flags that may repeat. base/flags.h keeps one value per flag, so these are
// taken out of argv before the FlagSet sees the rest.
constexpr std::string_view kExcludeFlag = "exclude";
constexpr std::string_view kRsyncOptionFlag = "rsync-option";

struct SplitArgs {
  std::vector<std::string> rest;  // argv for the FlagSet, argv[0] included
  std::map<std::string, std::vector<std::string>, std::less<>> repeated;
};

// "--name=value" or "--name value" (the value may start with '-', as rsync
// options do, so it is never mistaken for a flag).
Result<SplitArgs> SplitRepeatedFlags(int argc, const char* const* argv) {
  SplitArgs out;
  for (int i = 0; i < argc; ++i) {
    const std::string_view arg = argv[i];
    bool matched = false;
    for (std::string_view name : {kExcludeFlag, kRsyncOptionFlag}) {
      const std::string flag = "--" + std::string(name);
      if (arg.starts_with(flag + "=")) {
        out.repeated[std::string(name)].emplace_back(arg.substr(flag.size() + 1));
        matched = true;
      } else if (arg == flag) {
        if (i + 1 >= argc) return InvalidError("flag " + flag + " needs a value");
        out.repeated[std::string(name)].emplace_back(argv[++i]);
        matched = true;
      }
    }
    if (!matched) out.rest.emplace_back(arg);
  }
  return out;
}

// The command line's entries, else the environment's (one per line).
std::vector<std::string> RepeatedValues(const SplitArgs& split, std::string_view name,
                                        const std::function<const char*(const char*)>& getenv) {
  if (auto it = split.repeated.find(name); it != split.repeated.end()) return it->second;
  std::vector<std::string> values;
  const char* env = getenv(FlagSet::EnvName(std::string(name)).c_str());
  if (env == nullptr) return values;
  std::istringstream lines(env);
  for (std::string line; std::getline(lines, line);) {
    if (!line.empty()) values.push_back(line);
  }
  return values;
}

// Registers every single-valued flag on `flags`, bound to fields of `o`.
void RegisterFlags(FlagSet& flags, ParsedPullFlags& parsed, std::string& verification) {
  PullOptions& o = parsed.options;
  flags.String("host", &o.host, "address of the source node's agent");
  flags.Int("port", &o.port, "the agent's ssh port");
  flags.String("user", &o.user, "ssh user on the agent");
  flags.String("path", &o.path, "logical volume path pvc/<namespace>/<claim>/");
  flags.String("dest", &o.dest, "destination directory (the mounted destination volume)");
  flags.String("identity-file", &o.identity_file,
               "the mover's Ed25519 private key (mode 0400/0600)");
  flags.String("known-hosts-file", &o.known_hosts_file,
               "known_hosts with the agent's pinned host key ([host]:port ssh-ed25519 ...)");
  flags.Int("bwlimit", &o.bwlimit_kib, "bandwidth limit in KiB/s; 0 = unlimited");
  flags.String("verification", &verification, "after the transfer: none, sample or full");
  flags.Int("sample-percent", &o.sample_percent, "share of files checksummed by sample (1-100)");
  flags.String("termination-log", &o.termination_log, "where the JSON result is written");
  flags.Duration("timeout", &o.timeout, "longest the whole pull may run; 0 = no limit");
  flags.Bool("skip-unchanged", &o.skip_unchanged,
             "digest both trees; report the digests, and skip the transfer when both match the "
             "previous ones");
  flags.String("previous-source-digest", &o.previous_source_digest,
               "the source digest the last successful run reported (sha256:...)");
  flags.String("previous-destination-digest", &o.previous_destination_digest,
               "the destination digest the last successful run reported (sha256:...)");
  flags.String("rsync-program", &o.rsync_program, "the rsync program");
  flags.String("ssh-program", &o.ssh_program, "the ssh program");
  flags.String("log-level", &parsed.log_level, "trace, debug, info, warn, error or off");
  flags.String("log-format", &parsed.log_format, "text or json");
  flags.Bool("help", &parsed.help, "print this help");
}

}  // namespace

std::string PullUsage() {
  ParsedPullFlags defaults;
  std::string verification(VerificationName(defaults.options.verification));
  FlagSet flags("dr-syncer-agent pull");
  RegisterFlags(flags, defaults, verification);
  return flags.Usage() +
         "  --exclude pattern (repeatable)\n      rsync exclude pattern, relative to the volume "
         "(env DRS_EXCLUDE, one per line)\n"
         "  --rsync-option option (repeatable)\n      an allow-listed rsync option, e.g. "
         "--rsync-option=--checksum (env DRS_RSYNC_OPTION, one per line)\n";
}

Result<ParsedPullFlags> ParsePullFlags(int argc, const char* const* argv,
                                       const std::function<const char*(const char*)>& getenv) {
  const auto env = getenv ? getenv : [](const char* n) -> const char* { return std::getenv(n); };
  DRS_ASSIGN_OR_RETURN(SplitArgs split, SplitRepeatedFlags(argc, argv));
  ParsedPullFlags parsed;
  PullOptions& o = parsed.options;
  std::string verification(VerificationName(o.verification));
  FlagSet flags("dr-syncer-agent pull");
  RegisterFlags(flags, parsed, verification);

  std::vector<const char*> rest;
  rest.reserve(split.rest.size());
  for (const std::string& arg : split.rest) rest.push_back(arg.c_str());
  DRS_ASSIGN_OR_RETURN(std::vector<std::string> positional,
                       flags.Parse(static_cast<int>(rest.size()), rest.data(), env));
  if (parsed.help) return parsed;
  if (!positional.empty()) {
    return InvalidError("unexpected argument \"" + positional.front() + "\" (see --help)");
  }
  o.excludes = RepeatedValues(split, kExcludeFlag, env);
  o.rsync_options = RepeatedValues(split, kRsyncOptionFlag, env);
  DRS_ASSIGN_OR_RETURN(o.verification, ParseVerification(verification));
  // The gate expects the directory form; accept the path without the slash.
  if (!o.path.empty() && !o.path.ends_with('/')) o.path += '/';
  if (o.host.size() > 2 && o.host.front() == '[' && o.host.back() == ']') {
    o.host = o.host.substr(1, o.host.size() - 2);
  }
  DRS_RETURN_IF_ERROR(ValidatePullOptions(o));
  return parsed;
}

}  // namespace drs::mover
