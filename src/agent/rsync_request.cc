#include "agent/rsync_request.h"

#include <algorithm>
#include <array>
#include <initializer_list>
#include <optional>
#include <string_view>
#include <utility>

namespace drs::agent {
namespace {

// Single-letter options a dr-syncer pull sends to the sender (archive
// -rlptgoD, -H -A -X -S, and the tuning options api/rsync_options allows:
// -c -z -x -W -I, --dry-run -n, -v/-q).
constexpr std::string_view kAllowedLetters = "rlptgoDHAXScnzxWIvq";
// The capability string after -e ("e.iLsfxCIvu"): protocol feature flags,
// read by compat.c. '.' is the placeholder for the sub-protocol number.
constexpr std::string_view kAllowedCapabilities = ".iLsfxCIvu";
constexpr std::size_t kMaxVerbosity = 4;

constexpr std::array<std::string_view, 3> kAllowedLongFlags = {"--numeric-ids", "--new-compress",
                                                               "--old-compress"};

// Refusals worth their own explanation; any other option gets a generic one.
constexpr std::array<std::pair<char, std::string_view>, 6> kLetterReasons = {{
    {'L', "-L (--copy-links) would make the sender follow symlinks out of the volume"},
    {'k', "-k (--copy-dirlinks) would make the sender follow symlinks out of the volume"},
    {'R', "-R (--relative) is not used by a pull"},
    {'s', "-s (--secluded-args) would hide the arguments from the gate"},
    {'C', "-C (--cvs-exclude) makes the sender read files outside the volume"},
    {'B', "-B (--block-size) is not used by a pull"},
}};

constexpr std::array<std::pair<std::string_view, std::string_view>, 13> kLongReasons = {{
    {"--remove-source-files", "would delete files from the source volume"},
    {"--remove-sent-files", "would delete files from the source volume"},
    {"--delete", "deletes belong to the receiver; a real pull never sends them to the sender"},
    {"--files-from", "lets the client name paths for the sender to open"},
    {"--copy-unsafe-links", "would make the sender follow symlinks out of the volume"},
    {"--copy-links", "would make the sender follow symlinks out of the volume"},
    {"--copy-dirlinks", "would make the sender follow symlinks out of the volume"},
    {"--copy-devices", "would make the sender read device contents"},
    {"--write-devices", "writes to devices"},
    {"--log-file", "would write a file on the node"},
    {"--rsync-path", "is a client option; only the stock rsync runs here"},
    {"--daemon", "rsync daemon mode is not served"},
    {"--secluded-args", "would hide the arguments from the gate"},
}};

Error Refused(std::string reason) { return Error(ErrorCode::kPermissionDenied, std::move(reason)); }

bool AllDigits(std::string_view s, std::size_t min_len, std::size_t max_len) {
  return s.size() >= min_len && s.size() <= max_len &&
         std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsOneOf(std::string_view s, std::initializer_list<std::string_view> names) {
  return std::find(names.begin(), names.end(), s) != names.end();
}

// "--checksum-choice=xxh3" or "=xxh128,md5" (transfer and file checksums).
bool IsChecksumChoice(std::string_view value) {
  const auto ok = [](std::string_view name) {
    return IsOneOf(name,
                   {"auto", "xxh128", "xxh3", "xxh64", "xxhash", "md5", "md4", "sha1", "none"});
  };
  const std::size_t comma = value.find(',');
  if (comma == std::string_view::npos) return ok(value);
  return ok(value.substr(0, comma)) && ok(value.substr(comma + 1));
}

bool IsAllowedValuedOption(std::string_view option) {
  const auto value_of = [&](std::string_view name) -> std::optional<std::string_view> {
    if (!option.starts_with(name)) return std::nullopt;
    return option.substr(name.size());
  };
  if (auto v = value_of("--bwlimit=")) return AllDigits(*v, 1, 9);  // KiB/s, as clients send it
  if (auto v = value_of("--timeout=")) return AllDigits(*v, 1, 6);
  if (auto v = value_of("--compress-level=")) return AllDigits(*v, 1, 2);
  if (auto v = value_of("--compress-choice=")) {
    return IsOneOf(*v, {"zstd", "lz4", "zlibx", "zlib", "none"});
  }
  if (auto v = value_of("--checksum-choice=")) return IsChecksumChoice(*v);
  return false;
}

Status CheckLongOption(std::string_view option) {
  if (std::find(kAllowedLongFlags.begin(), kAllowedLongFlags.end(), option) !=
          kAllowedLongFlags.end() ||
      IsAllowedValuedOption(option)) {
    return OkStatus();
  }
  const std::string_view name = option.substr(0, option.find('='));
  for (const auto& [prefix, why] : kLongReasons) {
    if (name.starts_with(prefix)) {
      return Refused("rsync option " + std::string(name) + " refused: " + std::string(why));
    }
  }
  return Refused("rsync option " + std::string(name) + " is not allowed for a pull");
}

Status CheckLetters(std::string_view cluster) {
  std::size_t verbosity = 0;
  for (std::size_t i = 1; i < cluster.size(); ++i) {
    const char letter = cluster[i];
    if (letter == 'e') {
      const std::string_view caps = cluster.substr(i + 1);
      if (caps.find_first_not_of(kAllowedCapabilities) != std::string_view::npos) {
        return Refused("unknown rsync capability flags in -e" + std::string(caps));
      }
      return OkStatus();
    }
    if (letter == 'v' && ++verbosity > kMaxVerbosity) return Refused("too many -v options");
    if (kAllowedLetters.find(letter) != std::string_view::npos) continue;
    for (const auto& [refused, why] : kLetterReasons) {
      if (letter == refused) return Refused("rsync option " + std::string(why));
    }
    return Refused(std::string("rsync option -") + letter + " is not allowed for a pull");
  }
  return OkStatus();
}

Status CheckOption(std::string_view option) {
  if (option.starts_with("--")) return CheckLongOption(option);
  if (option.size() < 2 || !option.starts_with('-')) {
    return Refused("unexpected rsync argument \"" + std::string(option) + "\"");
  }
  return CheckLetters(option);
}

}  // namespace

Result<RsyncSenderRequest> ParseRsyncSenderRequest(const std::vector<std::string>& words) {
  if (words.empty() || words[0] != "rsync") return Refused("not an rsync command");
  if (words.size() < 2 || words[1] != "--server") {
    return Refused("only rsync server mode is served (rsync --server --sender ...)");
  }
  if (words.size() < 3 || words[2] != "--sender") {
    return Refused(
        "rsync receiver mode (writing into the volume) is refused: only --sender is served");
  }
  RsyncSenderRequest request;
  std::size_t i = 3;
  for (; i < words.size() && words[i] != "."; ++i) {
    DRS_RETURN_IF_ERROR(CheckOption(words[i]));
    request.options.push_back(words[i]);
  }
  if (i == words.size()) return Refused("rsync command has no \".\" before the path");
  const std::size_t paths = words.size() - i - 1;
  if (paths != 1) {
    return Refused("rsync command must name exactly one path, got " + std::to_string(paths));
  }
  DRS_ASSIGN_OR_RETURN(request.path, ParseLogicalVolumePath(words[i + 1]));
  return request;
}

std::vector<std::string> RsyncServerArgv(const std::string& rsync_binary,
                                         const RsyncSenderRequest& request,
                                         const std::string& volume_dir) {
  std::vector<std::string> argv = {rsync_binary, "--server", "--sender"};
  argv.insert(argv.end(), request.options.begin(), request.options.end());
  argv.emplace_back(".");
  argv.push_back(volume_dir.ends_with('/') ? volume_dir : volume_dir + "/");
  return argv;
}

}  // namespace drs::agent
