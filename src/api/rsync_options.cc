#include "api/rsync_options.h"

#include <array>
#include <string>

namespace drs::api {
namespace {

constexpr std::array<std::string_view, 24> kFlags = {"--checksum",
                                                     "-c",
                                                     "--compress",
                                                     "-z",
                                                     "--hard-links",
                                                     "-H",
                                                     "--acls",
                                                     "-A",
                                                     "--xattrs",
                                                     "-X",
                                                     "--sparse",
                                                     "-S",
                                                     "--numeric-ids",
                                                     "--whole-file",
                                                     "-W",
                                                     "--no-whole-file",
                                                     "--delete-excluded",
                                                     "--size-only",
                                                     "--ignore-times",
                                                     "-I",
                                                     "--one-file-system",
                                                     "-x",
                                                     "--no-owner",
                                                     "--no-group"};
constexpr std::string_view kNoPerms = "--no-perms";

bool AllDigits(std::string_view s, std::size_t min, std::size_t max) {
  if (s.size() < min || s.size() > max) return false;
  for (char c : s) {
    if (c < '0' || c > '9') return false;
  }
  return true;
}

// "--name=" followed by what `value_ok` accepts.
template <typename F>
bool Valued(std::string_view option, std::string_view name, F value_ok) {
  return option.starts_with(name) && value_ok(option.substr(name.size()));
}

bool IsSize(std::string_view v) {
  if (!v.empty() && (v.back() == 'K' || v.back() == 'M' || v.back() == 'G' || v.back() == 'k' ||
                     v.back() == 'm' || v.back() == 'g')) {
    v.remove_suffix(1);
  }
  return AllDigits(v, 1, 12);
}

}  // namespace

bool IsAllowedRsyncOption(std::string_view option) {
  for (std::string_view flag : kFlags) {
    if (option == flag) return true;
  }
  if (option == kNoPerms) return true;
  return Valued(option, "--compress-level=", [](auto v) { return AllDigits(v, 1, 1); }) ||
         Valued(option, "--modify-window=", [](auto v) { return AllDigits(v, 1, 4); }) ||
         Valued(option, "--timeout=", [](auto v) { return AllDigits(v, 1, 6); }) ||
         Valued(option, "--max-size=", IsSize) || Valued(option, "--min-size=", IsSize);
}

Status CheckRsyncOption(std::string_view option) {
  if (IsAllowedRsyncOption(option)) return OkStatus();
  return InvalidError("rsync option \"" + std::string(option) +
                      "\" is not allowed (one option per entry; see the allow-list in "
                      "docs/api.md)");
}

std::string_view RsyncOptionPattern() {
  return "^(--checksum|-c|--compress|-z|--compress-level=[0-9]|--hard-links|-H|--acls|-A|"
         "--xattrs|-X|--sparse|-S|--numeric-ids|--whole-file|-W|--no-whole-file|"
         "--delete-excluded|--size-only|--ignore-times|-I|--one-file-system|-x|--no-owner|"
         "--no-group|--no-perms|--modify-window=[0-9]{1,4}|--timeout=[0-9]{1,6}|"
         "--max-size=[0-9]{1,12}[KMGkmg]?|--min-size=[0-9]{1,12}[KMGkmg]?)$";
}

}  // namespace drs::api
