#include "kubeclient/token_file_source.h"

#include <cerrno>
#include <cstring>
#include <string_view>

#include "base/file_util.h"

namespace drs::kubeclient {
namespace {

constexpr std::string_view kWhitespace = " \t\r\n";
constexpr std::int64_t kNanosPerSecond = 1'000'000'000;

}  // namespace

TokenFileSource::TokenFileSource(std::string path, Clock& clock)
    : path_(std::move(path)), clock_(clock) {}

Result<SecretBytes> TokenFileSource::Token() {
  std::lock_guard lock(mu_);
  struct stat st {};
  if (::stat(path_.c_str(), &st) != 0) {
    const int err = errno;
    return Error(err == ENOENT ? ErrorCode::kNotFound : ErrorCode::kUnavailable,
                 "cannot read token file \"" + path_ + "\": " + std::strerror(err));
  }
  const Stamp stamp{.device = st.st_dev,
                    .inode = st.st_ino,
                    .size = st.st_size,
                    .mtime_ns = st.st_mtim.tv_sec * kNanosPerSecond + st.st_mtim.tv_nsec};
  const auto now = clock_.Now();
  if (stamp_ == stamp && now - read_at_ < kMaxTokenAge) return token_.Copy();

  auto contents = ReadFileToString(path_);
  if (!contents.ok()) return std::move(contents).error().WithContext("reading the token file");
  SecretBytes raw(std::move(contents).value());
  std::string_view text = raw.reveal();
  const auto first = text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) {
    return InvalidError("token file \"" + path_ + "\" is empty");
  }
  text = text.substr(first, text.find_last_not_of(kWhitespace) - first + 1);
  token_ = SecretBytes(std::string(text));
  stamp_ = stamp;
  read_at_ = now;
  return token_.Copy();
}

}  // namespace drs::kubeclient
