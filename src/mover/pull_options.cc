#include "mover/pull_options.h"

#include <algorithm>

#include "api/rsync_options.h"
#include "api/validation.h"
#include "base/tree_digest.h"

namespace drs::mover {
namespace {

constexpr std::int64_t kMaxPort = 65535;
// rsync's --bwlimit is parsed into an int of KiB/s; the CRD field is an int32.
constexpr std::int64_t kMaxBwlimitKib = 2'147'483'647;
// The CRD's limits for excludePaths (docs/api.md), kept here too so a Job
// edited by hand meets the same rules.
constexpr std::size_t kMaxExcludes = 64;
constexpr std::size_t kMaxExcludeLength = 1024;
constexpr std::size_t kMaxRsyncOptions = 32;
constexpr std::size_t kMaxHostLength = 253;
constexpr std::size_t kMaxUserLength = 32;
// Paths go into the ssh command line that rsync splits (-e) and into ssh
// options that ssh expands (%h, ~): refuse the characters that would need
// escaping at either level rather than escape them.
constexpr std::string_view kUnsafePathChars = "'\"\\%";

Status Bad(std::string_view flag, std::string_view value, std::string_view why) {
  return InvalidError("flag --" + std::string(flag) + ": invalid value \"" + std::string(value) +
                      "\": " + std::string(why));
}

bool HasControlChar(std::string_view s) {
  return std::any_of(s.begin(), s.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool IsHostnameChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' ||
         c == '-';
}

bool IsIpv6Char(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == ':' ||
         c == '.';
}

Status CheckHost(const std::string& host) {
  if (host.empty()) return InvalidError("flag --host is required (the source node's address)");
  const bool ipv6 = host.find(':') != std::string::npos;
  const bool ok = host.size() <= kMaxHostLength && host.front() != '-' &&
                  std::all_of(host.begin(), host.end(), ipv6 ? IsIpv6Char : IsHostnameChar);
  if (!ok) return Bad("host", host, "want a host name, an IPv4 or an IPv6 address");
  return OkStatus();
}

Status CheckUser(const std::string& user) {
  const auto ok_char = [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  };
  const bool ok = !user.empty() && user.size() <= kMaxUserLength &&
                  ((user.front() >= 'a' && user.front() <= 'z') || user.front() == '_') &&
                  std::all_of(user.begin(), user.end(), ok_char);
  if (!ok) return Bad("user", user, "want a POSIX user name ([a-z_][a-z0-9_-]*)");
  return OkStatus();
}

// "pvc/<namespace>/<claim>/" with lowercase RFC 1123 names, as the gate
// expects it.
Status CheckVolumePath(const std::string& path) {
  const std::string_view why = "want pvc/<namespace>/<claim>/";
  if (path.empty()) return InvalidError("flag --path is required (pvc/<namespace>/<claim>/)");
  if (!path.starts_with("pvc/") || !path.ends_with('/')) return Bad("path", path, why);
  const std::string_view rest = std::string_view(path).substr(4, path.size() - 5);
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return Bad("path", path, why);
  if (!api::IsDnsLabel(rest.substr(0, slash))) {
    return Bad("path", path, "the namespace is not a lowercase RFC 1123 label");
  }
  if (!api::IsDnsSubdomain(rest.substr(slash + 1))) {
    return Bad("path", path, "the claim is not a lowercase RFC 1123 subdomain");
  }
  return OkStatus();
}

Status CheckLocalPath(std::string_view flag, const std::string& path) {
  if (path.empty()) return InvalidError("flag --" + std::string(flag) + " is required");
  if (!path.starts_with('/')) return Bad(flag, path, "want an absolute path");
  if (HasControlChar(path) || path.find_first_of(kUnsafePathChars) != std::string::npos) {
    return Bad(flag, path, "control characters and ' \" \\ % are not supported in paths");
  }
  return OkStatus();
}

Status CheckExcludes(const std::vector<std::string>& excludes) {
  if (excludes.size() > kMaxExcludes) {
    return InvalidError("flag --exclude: at most " + std::to_string(kMaxExcludes) +
                        " patterns, got " + std::to_string(excludes.size()));
  }
  for (const std::string& pattern : excludes) {
    if (pattern.empty() || pattern.size() > kMaxExcludeLength || HasControlChar(pattern)) {
      return Bad("exclude", pattern, "want 1-1024 characters without control characters");
    }
    // rsync reads "- x", "+ x" and "!" in an --exclude as filter-rule syntax
    // (an include, a cleared list), not as a path pattern.
    if (pattern == "!" || pattern.starts_with("+ ") || pattern.starts_with("- ")) {
      return Bad("exclude", pattern, "filter-rule prefixes (\"+ \", \"- \", \"!\") are not paths");
    }
  }
  return OkStatus();
}

Status CheckRsyncOptions(const std::vector<std::string>& options) {
  if (options.size() > kMaxRsyncOptions) {
    return InvalidError("flag --rsync-option: at most " + std::to_string(kMaxRsyncOptions) +
                        " options, got " + std::to_string(options.size()));
  }
  for (const std::string& option : options) {
    if (auto st = api::CheckRsyncOption(option); !st.ok()) {
      return std::move(st).error().WithContext("checking flag --rsync-option");
    }
  }
  return OkStatus();
}

Status CheckNumbers(const PullOptions& o) {
  if (o.port < 1 || o.port > kMaxPort) {
    return Bad("port", std::to_string(o.port), "want 1-65535");
  }
  if (o.bwlimit_kib < 0 || o.bwlimit_kib > kMaxBwlimitKib) {
    return Bad("bwlimit", std::to_string(o.bwlimit_kib), "want KiB/s, 0 (unlimited) or more");
  }
  if (o.sample_percent < 1 || o.sample_percent > 100) {
    return Bad("sample-percent", std::to_string(o.sample_percent), "want 1-100");
  }
  return OkStatus();
}

Status CheckPreviousDigests(const PullOptions& o) {
  for (const auto& [flag, value] :
       {std::pair{"previous-source-digest", &o.previous_source_digest},
        std::pair{"previous-destination-digest", &o.previous_destination_digest}}) {
    if (!value->empty() && !IsTreeDigestValue(*value)) {
      return Bad(flag, *value, "must be sha256: and 64 lowercase hex digits");
    }
  }
  if (o.previous_source_digest.empty() != o.previous_destination_digest.empty()) {
    return InvalidError(
        "flags --previous-source-digest and --previous-destination-digest go together");
  }
  if (!o.previous_source_digest.empty() && !o.skip_unchanged) {
    return InvalidError("the previous digests need --skip-unchanged");
  }
  return OkStatus();
}

}  // namespace

std::string_view VerificationName(Verification mode) {
  switch (mode) {
    case Verification::kNone:
      return "none";
    case Verification::kSample:
      return "sample";
    case Verification::kFull:
      return "full";
  }
  return "none";
}

Result<Verification> ParseVerification(std::string_view name) {
  for (Verification mode : {Verification::kNone, Verification::kSample, Verification::kFull}) {
    if (name == VerificationName(mode)) return mode;
  }
  return Bad("verification", name, "want none, sample or full").error();
}

Status ValidatePullOptions(const PullOptions& o) {
  DRS_RETURN_IF_ERROR(CheckHost(o.host));
  DRS_RETURN_IF_ERROR(CheckUser(o.user));
  DRS_RETURN_IF_ERROR(CheckVolumePath(o.path));
  DRS_RETURN_IF_ERROR(CheckLocalPath("dest", o.dest));
  DRS_RETURN_IF_ERROR(CheckLocalPath("identity-file", o.identity_file));
  DRS_RETURN_IF_ERROR(CheckLocalPath("known-hosts-file", o.known_hosts_file));
  DRS_RETURN_IF_ERROR(CheckNumbers(o));
  DRS_RETURN_IF_ERROR(CheckExcludes(o.excludes));
  DRS_RETURN_IF_ERROR(CheckRsyncOptions(o.rsync_options));
  DRS_RETURN_IF_ERROR(CheckPreviousDigests(o));
  if (o.rsync_program.empty() || o.ssh_program.empty()) {
    return InvalidError("flags --rsync-program and --ssh-program must not be empty");
  }
  if (o.ssh_program.find_first_of(" '\"\\") != std::string::npos || HasControlChar(o.ssh_program)) {
    return Bad("ssh-program", o.ssh_program, "spaces, quotes and backslashes are not supported");
  }
  return OkStatus();
}

}  // namespace drs::mover
