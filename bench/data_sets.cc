#include "data_sets.h"

#include <fcntl.h>
#include <sys/random.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <vector>

#include "base/unique_fd.h"

namespace drs::bench {
namespace {

namespace fs = std::filesystem;

constexpr std::size_t kChunkBytes = std::size_t{1} << 20;
constexpr int kFilesPerLeaf = 100;
constexpr int kLeavesPerMiddle = 10;
constexpr std::size_t kMinSmallBytes = 1024;
constexpr std::size_t kMaxSmallBytes = 8192;

Status WriteAll(int fd, const char* data, std::size_t size, const std::string& path) {
  while (size > 0) {
    const ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return InternalError("cannot write " + path + ": " + std::strerror(errno));
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return OkStatus();
}

Result<UniqueFd> CreateFile(const std::string& path) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) return InternalError("cannot create " + path + ": " + std::strerror(errno));
  return fd;
}

std::string Numbered(const char* prefix, int n, int width) {
  std::string digits = std::to_string(n);
  if (static_cast<int>(digits.size()) < width) {
    digits.insert(0, static_cast<std::size_t>(width) - digits.size(), '0');
  }
  return prefix + digits;
}

Status ReadToEnd(const std::string& path, std::vector<char>& buffer) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (!fd.valid()) return InternalError("cannot open " + path + ": " + std::strerror(errno));
  for (;;) {
    const ssize_t n = ::read(fd.get(), buffer.data(), buffer.size());
    if (n == 0) return OkStatus();
    if (n < 0 && errno != EINTR) {
      return InternalError("cannot read " + path + ": " + std::strerror(errno));
    }
  }
}

}  // namespace

Status MakeLargeFiles(const std::string& dir, int count, std::int64_t bytes_each) {
  std::vector<char> chunk(kChunkBytes);
  for (int i = 0; i < count; ++i) {
    const std::string path = dir + "/" + Numbered("large-", i, 2) + ".bin";
    DRS_ASSIGN_OR_RETURN(UniqueFd fd, CreateFile(path));
    for (std::int64_t left = bytes_each; left > 0;) {
      const std::size_t size = std::min(chunk.size(), static_cast<std::size_t>(left));
      for (std::size_t filled = 0; filled < size;) {
        const ssize_t n = ::getrandom(chunk.data() + filled, size - filled, 0);
        if (n < 0 && errno != EINTR)
          return InternalError("getrandom: " + std::string(strerror(errno)));
        if (n > 0) filled += static_cast<std::size_t>(n);
      }
      DRS_RETURN_IF_ERROR(WriteAll(fd.get(), chunk.data(), size, path));
      left -= static_cast<std::int64_t>(size);
    }
  }
  return OkStatus();
}

Status MakeSmallFiles(const std::string& dir, int count, std::uint64_t seed) {
  std::mt19937_64 random(seed);
  std::uniform_int_distribution<std::size_t> size_of(kMinSmallBytes, kMaxSmallBytes);
  std::vector<std::uint64_t> words(kMaxSmallBytes / sizeof(std::uint64_t));
  for (int i = 0; i < count; ++i) {
    const int leaf = i / kFilesPerLeaf;
    const std::string leaf_dir = dir + "/" + Numbered("d", leaf / kLeavesPerMiddle, 3) + "/" +
                                 Numbered("d", leaf % kLeavesPerMiddle, 2);
    if (i % kFilesPerLeaf == 0) {
      std::error_code error;
      fs::create_directories(leaf_dir, error);
      if (error) return InternalError("cannot create " + leaf_dir + ": " + error.message());
    }
    for (auto& word : words) word = random();
    const std::string path = leaf_dir + "/" + Numbered("f", i % kFilesPerLeaf, 3) + ".bin";
    DRS_ASSIGN_OR_RETURN(UniqueFd fd, CreateFile(path));
    DRS_RETURN_IF_ERROR(
        WriteAll(fd.get(), reinterpret_cast<const char*>(words.data()), size_of(random), path));
  }
  return OkStatus();
}

Result<TreeStats> WalkTree(const std::string& dir, bool read_contents,
                           const std::string& skip_top) {
  TreeStats stats;
  std::vector<char> buffer(read_contents ? kChunkBytes : 0);
  std::error_code error;
  fs::recursive_directory_iterator it(dir, error);
  if (error) return InternalError("cannot walk " + dir + ": " + error.message());
  for (; it != fs::recursive_directory_iterator(); it.increment(error)) {
    if (error) return InternalError("cannot walk " + dir + ": " + error.message());
    if (it.depth() == 0 && !skip_top.empty() && it->path().filename() == skip_top) {
      it.disable_recursion_pending();
      continue;
    }
    const fs::file_status status = it->symlink_status();
    if (fs::is_directory(status)) {
      ++stats.dirs;
    } else if (fs::is_regular_file(status)) {
      ++stats.files;
      stats.bytes += static_cast<std::int64_t>(it->file_size());
      if (read_contents) DRS_RETURN_IF_ERROR(ReadToEnd(it->path().string(), buffer));
    }
  }
  return stats;
}

Status EmptyDirectory(const std::string& dir) {
  std::error_code error;
  for (const auto& entry : fs::directory_iterator(dir, error)) {
    fs::remove_all(entry.path(), error);
    if (error)
      return InternalError("cannot remove " + entry.path().string() + ": " + error.message());
  }
  if (error) return InternalError("cannot list " + dir + ": " + error.message());
  return OkStatus();
}

}  // namespace drs::bench
