#include "agent/audit_log.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <utility>

#include <nlohmann/json.hpp>

#include "base/rfc3339.h"

namespace drs::agent {
namespace {

// Enough of a command to see what was attempted; a client cannot make the
// log grow by sending long commands.
constexpr std::size_t kMaxCommandInLog = 512;
constexpr std::size_t kReadChunk = 64 * 1024;
constexpr mode_t kAuditFileMode = 0600;

std::string Truncated(std::string_view text) {
  if (text.size() <= kMaxCommandInLog) return std::string(text);
  return std::string(text.substr(0, kMaxCommandInLog)) + "...";
}

}  // namespace

std::string AuditRecordJson(const AuditRecord& r) {
  const nlohmann::ordered_json line = {
      {"ts", FormatRfc3339(r.time)}, {"decision", r.decision},          {"keyId", r.key_id},
      {"reason", r.reason},          {"command", Truncated(r.command)}, {"client", r.client},
      {"volume", r.volume}};
  // Replace invalid UTF-8 (a client's command may have any bytes) instead of throwing.
  return line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
}

Status AppendAuditRecord(const std::string& path, const AuditRecord& record) {
  UniqueFd fd(
      open(path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, kAuditFileMode));
  if (!fd.valid()) {
    return UnavailableError("cannot open audit log " + path + ": " + std::strerror(errno));
  }
  const std::string line = AuditRecordJson(record);
  const ssize_t n = write(fd.get(), line.data(), line.size());
  if (n < 0 || static_cast<std::size_t>(n) != line.size()) {
    return UnavailableError("cannot append to audit log " + path + ": " + std::strerror(errno));
  }
  return OkStatus();
}

AuditLogForwarder::AuditLogForwarder(std::string path, Sink sink, std::size_t rotate_bytes)
    : path_(std::move(path)), sink_(std::move(sink)), rotate_bytes_(rotate_bytes) {
  struct stat st {};
  if (lstat(path_.c_str(), &st) == 0 && S_ISREG(st.st_mode)) {
    skip_inode_ = st.st_ino;
    skip_bytes_ = static_cast<std::size_t>(st.st_size);
  }
}

void AuditLogForwarder::OpenCurrent() {
  current_.Reset(open(path_.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW));
  current_partial_.clear();
  current_read_ = 0;
  struct stat st {};
  if (skip_bytes_ > 0 && current_.valid() && fstat(current_.get(), &st) == 0 &&
      st.st_ino == skip_inode_ &&
      lseek(current_.get(), static_cast<off_t>(skip_bytes_), SEEK_SET) >= 0) {
    current_read_ = skip_bytes_;
  }
  skip_bytes_ = 0;
}

void AuditLogForwarder::Drain(UniqueFd& fd, std::string& partial) {
  char buffer[kReadChunk];
  while (fd.valid()) {
    const ssize_t n = read(fd.get(), buffer, sizeof buffer);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    if (&fd == &current_) current_read_ += static_cast<std::size_t>(n);
    partial.append(buffer, static_cast<std::size_t>(n));
    std::size_t start = 0;
    for (std::size_t nl = partial.find('\n'); nl != std::string::npos;
         nl = partial.find('\n', start)) {
      sink_(std::string_view(partial).substr(start, nl - start));
      start = nl + 1;
    }
    partial.erase(0, start);
  }
}

void AuditLogForwarder::Poll() {
  // The file renamed away last round: whatever a gate appended to it
  // between our last read and the rename is read now, then it is closed.
  if (retired_.valid()) {
    Drain(retired_, retired_partial_);
    retired_.Reset();
    retired_partial_.clear();
  }
  if (!current_.valid()) OpenCurrent();
  if (!current_.valid()) return;  // no gate has run yet
  Drain(current_, current_partial_);
  if (current_read_ < rotate_bytes_) return;
  const std::string rotated = path_ + ".1";
  if (rename(path_.c_str(), rotated.c_str()) != 0) return;  // retried next poll
  retired_ = std::move(current_);
  retired_partial_ = std::move(current_partial_);
  OpenCurrent();
}

}  // namespace drs::agent
