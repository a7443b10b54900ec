#include "kubelet/atomic_writer.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <climits>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <set>
#include <vector>

#include "base/file_util.h"
#include "base/unique_fd.h"
#include "kubelet/layout.h"

namespace drs::kubelet {
namespace {

namespace fs = std::filesystem;

constexpr char kDataLink[] = "..data";
constexpr char kDataLinkTmp[] = "..data_tmp";
constexpr mode_t kDirMode = 0755;

Error Errno(const std::string& what, const std::string& path) {
  return UnavailableError(what + " " + path + ": " + std::strerror(errno));
}

Status ValidatePath(const std::string& path) {
  if (path.empty() || path[0] == '/' || path.starts_with("..")) {
    return InvalidError("invalid file path \"" + path + "\" in a projected volume");
  }
  std::size_t start = 0;
  while (start <= path.size()) {
    const std::size_t slash = path.find('/', start);
    const std::string part =
        path.substr(start, slash == std::string::npos ? std::string::npos : slash - start);
    if (!IsSafeComponent(part)) {
      return InvalidError("invalid file path \"" + path + "\" in a projected volume");
    }
    if (slash == std::string::npos) break;
    start = slash + 1;
  }
  return OkStatus();
}

std::string TopLevel(const std::string& path) { return path.substr(0, path.find('/')); }

std::string TimestampDirName(Clock::WallTime now) {
  const auto since = now.time_since_epoch();
  const auto secs = std::chrono::duration_cast<std::chrono::seconds>(since);
  const auto nanos = std::chrono::duration_cast<std::chrono::nanoseconds>(since - secs);
  const std::time_t t = secs.count();
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "..%Y_%m_%d_%H_%M_%S", &tm);
  return std::string(buf) + "." + std::to_string(nanos.count());
}

// True when `ts_dir` holds exactly `payload`, byte for byte and mode for mode.
bool Matches(const std::string& ts_dir, const Payload& payload) {
  std::error_code ec;
  std::size_t files = 0;
  for (auto it = fs::recursive_directory_iterator(ts_dir, ec);
       !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (it->is_directory(ec)) continue;
    ++files;
    const std::string rel = fs::relative(it->path(), ts_dir, ec).string();
    auto p = payload.find(rel);
    if (p == payload.end()) return false;
    struct stat st {};
    if (::lstat(it->path().c_str(), &st) != 0 || (st.st_mode & 07777) != p->second.mode) {
      return false;
    }
    auto content = ReadFileToString(it->path().string());
    if (!content.ok() || *content != p->second.data.reveal()) return false;
  }
  return !ec && files == payload.size();
}

Status WriteFile(const std::string& path, const FilePayload& file) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NOFOLLOW, 0600));
  if (!fd.valid()) return Errno("cannot create", path);
  std::string_view rest = file.data.reveal();
  while (!rest.empty()) {
    const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot write", path);
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  if (::fchmod(fd.get(), file.mode) != 0) return Errno("cannot chmod", path);
  return OkStatus();
}

Status WriteCopy(const std::string& dir, const Payload& payload) {
  if (::mkdir(dir.c_str(), kDirMode) != 0) return Errno("cannot create", dir);
  for (const auto& [rel, file] : payload) {
    const fs::path full = fs::path(dir) / rel;
    std::error_code ec;
    fs::create_directories(full.parent_path(), ec);
    if (ec)
      return UnavailableError("cannot create " + full.parent_path().string() + ": " + ec.message());
    DRS_RETURN_IF_ERROR(WriteFile(full.string(), file));
  }
  return OkStatus();
}

Status SwapDataLink(const std::string& dir, const std::string& ts_name) {
  const std::string tmp = dir + "/" + kDataLinkTmp;
  ::unlink(tmp.c_str());
  if (::symlink(ts_name.c_str(), tmp.c_str()) != 0) return Errno("cannot link", tmp);
  const std::string link = dir + "/" + kDataLink;
  if (::rename(tmp.c_str(), link.c_str()) != 0) return Errno("cannot replace", link);
  return OkStatus();
}

Status FixTopLevelLinks(const std::string& dir, const Payload& payload) {
  std::set<std::string> wanted;
  for (const auto& [rel, file] : payload) wanted.insert(TopLevel(rel));
  for (const auto& name : wanted) {
    const std::string link = dir + "/" + name;
    struct stat st {};
    if (::lstat(link.c_str(), &st) == 0) continue;
    const std::string target = std::string(kDataLink) + "/" + name;
    if (::symlink(target.c_str(), link.c_str()) != 0) return Errno("cannot link", link);
  }
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator(dir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with("..") || wanted.contains(name)) continue;
    if (entry.is_symlink(ec)) ::unlink(entry.path().c_str());
  }
  return OkStatus();
}

}  // namespace

Result<bool> WriteAtomically(const std::string& dir, const Payload& payload, Clock::WallTime now) {
  for (const auto& [rel, file] : payload) DRS_RETURN_IF_ERROR(ValidatePath(rel));
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec) return UnavailableError("cannot create " + dir + ": " + ec.message());

  std::string old_ts;
  std::vector<char> buf(PATH_MAX);
  const std::string link = dir + "/" + kDataLink;
  const ssize_t n = ::readlink(link.c_str(), buf.data(), buf.size() - 1);
  if (n > 0) old_ts.assign(buf.data(), static_cast<std::size_t>(n));
  if (!old_ts.empty() && Matches(dir + "/" + old_ts, payload)) {
    DRS_RETURN_IF_ERROR(FixTopLevelLinks(dir, payload));
    return false;
  }

  std::string ts_name = TimestampDirName(now);
  for (int i = 1; fs::exists(dir + "/" + ts_name, ec); ++i) {
    ts_name = TimestampDirName(now) + "-" + std::to_string(i);
  }
  DRS_RETURN_IF_ERROR(WriteCopy(dir + "/" + ts_name, payload));
  DRS_RETURN_IF_ERROR(SwapDataLink(dir, ts_name));
  DRS_RETURN_IF_ERROR(FixTopLevelLinks(dir, payload));
  if (!old_ts.empty() && old_ts != ts_name) fs::remove_all(dir + "/" + old_ts, ec);
  return true;
}

}  // namespace drs::kubelet
