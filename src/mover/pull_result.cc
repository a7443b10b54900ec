#include "mover/pull_result.h"

#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include <nlohmann/json.hpp>

#include "base/unique_fd.h"

namespace drs::mover {
namespace {

constexpr std::string_view kEllipsis = "...";

nlohmann::ordered_json ToJson(const PullResult& r, const std::string& reason) {
  nlohmann::ordered_json j;
  j["result"] = r.succeeded ? "Succeeded" : "Failed";
  j["exitCode"] = r.exit_code;
  j["reason"] = reason;
  j["retryable"] = r.retryable;
  j["bytesTransferred"] = r.stats.bytes_transferred;
  j["bytesTotal"] = r.stats.bytes_total;
  j["filesTransferred"] = r.stats.files_transferred;
  j["filesTotal"] = r.stats.regular_files_total;
  j["filesDeleted"] = r.stats.files_deleted;
  j["durationSeconds"] = r.duration_seconds;
  j["verification"] = {{"mode", std::string(VerificationName(r.verification.mode))},
                       {"checked", r.verification.checked},
                       {"mismatches", r.verification.mismatches}};
  j["unchanged"] = r.unchanged;
  if (!r.source_digest.empty()) j["sourceDigest"] = r.source_digest;
  if (!r.destination_digest.empty()) j["destinationDigest"] = r.destination_digest;
  return j;
}

// Invalid UTF-8 (a file name from rsync's stderr) becomes U+FFFD rather
// than an exception.
std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

// The longest prefix of `s` not over `max` bytes that ends on a UTF-8
// character boundary.
std::string Utf8Prefix(const std::string& s, std::size_t max) {
  if (s.size() <= max) return s;
  std::size_t end = max;
  while (end > 0 && (static_cast<unsigned char>(s[end]) & 0xC0) == 0x80) --end;
  return s.substr(0, end);
}

}  // namespace

std::string TerminationMessage(const PullResult& result) {
  std::string message = Dump(ToJson(result, result.reason));
  if (message.size() <= kMaxTerminationMessageBytes) return message;
  // Escaping grows a reason unevenly (a control byte becomes six), so find
  // the longest prefix that fits by bisection rather than by arithmetic.
  std::size_t fits = 0;  // a prefix this long is known to fit (0 always does)
  std::size_t too_long = result.reason.size();
  while (too_long - fits > 1) {
    const std::size_t mid = fits + (too_long - fits) / 2;
    const std::string candidate = Utf8Prefix(result.reason, mid) + std::string(kEllipsis);
    if (Dump(ToJson(result, candidate)).size() <= kMaxTerminationMessageBytes) {
      fits = mid;
    } else {
      too_long = mid;
    }
  }
  return Dump(ToJson(result, Utf8Prefix(result.reason, fits) + std::string(kEllipsis)));
}

int ProcessExitCode(const PullResult& result) {
  if (result.succeeded) return kExitSucceeded;
  return result.retryable ? kExitRetryable : kExitTerminal;
}

Status WriteTerminationLog(const std::string& path, const std::string& message) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644));
  if (!fd.valid()) {
    return UnavailableError("cannot open termination log " + path + ": " + std::strerror(errno));
  }
  std::string_view rest = message;
  while (!rest.empty()) {
    const ssize_t n = ::write(fd.get(), rest.data(), rest.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) {
      return UnavailableError("cannot write termination log " + path + ": " + std::strerror(errno));
    }
    rest.remove_prefix(static_cast<std::size_t>(n));
  }
  return OkStatus();
}

}  // namespace drs::mover
