#include "mover/rsync_verification.h"

#include <algorithm>
#include <filesystem>
#include <random>
#include <set>
#include <system_error>

#include "mover/rsync_command.h"

namespace drs::mover {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kItemizeWidth = 11;  // "YXcstpoguax"
constexpr std::string_view kDeleting = "*deleting";

// Calls `visit(relative_path)` for every regular file under `dest`,
// skipping our temp dir at the top and partial dirs anywhere.
template <typename Visit>
Status ForEachRegularFile(const std::string& dest, Visit visit) {
  std::error_code ec;
  fs::recursive_directory_iterator it(dest, fs::directory_options::skip_permission_denied, ec);
  if (ec) return FailedPreconditionError("cannot read " + dest + ": " + ec.message());
  for (const fs::recursive_directory_iterator end; it != end; it.increment(ec)) {
    if (ec) return FailedPreconditionError("cannot read " + dest + ": " + ec.message());
    const fs::path name = it->path().filename();
    const bool scratch = (it.depth() == 0 && name == kTempDirName) || name == kPartialDirName;
    if (scratch) {
      it.disable_recursion_pending();
      continue;
    }
    if (it->is_regular_file(ec) && !it->is_symlink(ec)) {
      visit(it->path().lexically_relative(dest).string());
    }
  }
  return OkStatus();
}

// A pattern that matches `name` literally: rsync treats a pattern with
// * ? [ as a wildcard pattern in which a backslash escapes, and any other
// pattern as a plain string (where a backslash is just a backslash).
std::string LiteralPattern(std::string_view name) {
  if (name.find_first_of("*?[") == std::string_view::npos) return std::string(name);
  std::string out;
  for (char c : name) {
    if (c == '*' || c == '?' || c == '[' || c == '\\') out += '\\';
    out += c;
  }
  return out;
}

}  // namespace

std::optional<Difference> ParseItemizeLine(std::string_view line) {
  if (line.starts_with(kDeleting) && line.size() > kItemizeWidth + 1) {
    return Difference{std::string(line), false};
  }
  if (line.size() <= kItemizeWidth + 1 || line[kItemizeWidth] != ' ') return std::nullopt;
  const std::string_view update_types = "<>ch.";
  const std::string_view file_types = "fdLDS";
  if (update_types.find(line[0]) == std::string_view::npos ||
      file_types.find(line[1]) == std::string_view::npos) {
    return std::nullopt;
  }
  const bool content_only =
      line[0] == '>' && line[1] == 'f' && line[2] == 'c' && line[3] == '.' && line[4] == '.';
  return Difference{std::string(line), content_only};
}

Result<std::vector<std::string>> SampleFiles(const std::string& dest, std::int64_t percent,
                                             std::uint64_t seed) {
  std::size_t total = 0;
  DRS_RETURN_IF_ERROR(ForEachRegularFile(dest, [&](const std::string&) { ++total; }));
  // Ceiling of total x percent / 100; percent is 1-100 (validated).
  const auto share = static_cast<std::size_t>(std::clamp<std::int64_t>(percent, 1, 100));
  const std::size_t want = std::min((total * share + 99) / 100, kMaxSampleFiles);
  std::mt19937_64 rng(seed != 0 ? seed : std::random_device{}());
  // Selection sampling (Knuth's Algorithm S): one pass, exactly `want`
  // files, each equally likely, without holding the whole list.
  std::vector<std::string> chosen;
  std::size_t seen = 0;
  DRS_RETURN_IF_ERROR(ForEachRegularFile(dest, [&](const std::string& path) {
    if (chosen.size() >= want || seen >= total) return;
    std::uniform_int_distribution<std::size_t> pick(0, total - seen - 1);
    if (pick(rng) < want - chosen.size()) chosen.push_back(path);
    ++seen;
  }));
  return chosen;
}

std::string SampleIncludeRules(const std::vector<std::string>& paths) {
  std::set<std::string> dirs;
  for (const std::string& path : paths) {
    for (std::size_t slash = path.find('/'); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
      dirs.insert(path.substr(0, slash));
    }
  }
  // Root-anchored; "/dir/" matches that directory only. Parents must be
  // included or rsync never descends to the file. Escaping is decided for
  // the whole pattern, as rsync decides wildcard mode for the whole.
  std::string rules;
  for (const std::string& dir : dirs) rules += "/" + LiteralPattern(dir) + "/" + '\0';
  for (const std::string& path : paths) rules += "/" + LiteralPattern(path) + '\0';
  return rules;
}

}  // namespace drs::mover
