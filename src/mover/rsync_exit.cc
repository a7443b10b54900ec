#include "mover/rsync_exit.h"

#include <array>
#include <cstring>
#include <optional>
#include <utility>

namespace drs::mover {
namespace {

// ssh's own failures, all exit 255.
constexpr int kSshFailure = 255;

struct CodeInfo {
  int code;
  std::string_view meaning;  // rsync(1)'s words
  bool retryable;
};

// Why each is (not) retried: 1-6 and 25 are how rsync was called or what
// the other side runs, unchanged by trying again; the rest are transient
// (network, timeouts, a live source changing, resources on this node).
constexpr std::array<CodeInfo, 23> kCodes = {{
    {1, "syntax or usage error", false},
    {2, "protocol incompatibility", false},
    {3, "errors selecting input/output files, dirs", false},
    {4, "requested action not supported", false},
    {5, "error starting client-server protocol", false},
    {6, "daemon unable to append to log-file", false},
    {10, "error in socket I/O", true},
    {11, "error in file I/O", true},
    {12, "error in rsync protocol data stream", true},
    {13, "errors with program diagnostics", true},
    {14, "error in IPC code", true},
    {20, "received SIGUSR1 or SIGINT", true},
    {21, "some error returned by waitpid()", true},
    {22, "error allocating core memory buffers", true},
    {23, "partial transfer due to error", true},
    {24, "partial transfer due to vanished source files", true},
    {25, "the --max-delete limit stopped deletions", false},
    {30, "timeout in data send/receive", true},
    {35, "timeout waiting for daemon connection", true},
    // rsync 3.2 reports the remote shell's own failures with these.
    {124, "the remote shell failed", true},
    {125, "the remote shell was killed", true},
    {126, "the remote shell could not run the command", false},
    {127, "the remote shell or rsync was not found", false},
}};

const CodeInfo* Find(int code) {
  for (const CodeInfo& info : kCodes) {
    if (info.code == code) return &info;
  }
  return nullptr;
}

bool Contains(std::string_view text, std::string_view needle) {
  return text.find(needle) != std::string_view::npos;
}

// The last line containing `needle` (or, with `at_start`, beginning with
// it), trimmed, for the reason; empty if none.
std::string LineWith(std::string_view text, std::string_view needle, bool at_start = false) {
  std::size_t at = text.size();
  while (at > 0) {
    at = text.rfind(needle, at - 1);
    if (at == std::string_view::npos) return "";
    if (!at_start || at == 0 || text[at - 1] == '\n') break;
  }
  const std::size_t begin = text.rfind('\n', at);
  const std::size_t end = text.find('\n', at);
  const std::size_t from = begin == std::string_view::npos || at == 0 ? 0 : begin + 1;
  std::string line(text.substr(from, end == std::string_view::npos ? end : end - from));
  while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
  return line;
}

// Failures recognised from what ssh, the gate or rsync printed, before the
// exit code is looked at: they decide retryability whatever the code says.
std::optional<ExitClass> FromStderr(std::string_view err) {
  if (Contains(err, "Host key verification failed") ||
      Contains(err, "REMOTE HOST IDENTIFICATION HAS CHANGED") ||
      Contains(err, "No ED25519 host key is known")) {
    return ExitClass{false, false,
                     "the agent's host key does not match the pinned known_hosts entry "
                     "(Host key verification failed); refusing to connect"};
  }
  if (Contains(err, kGateRefusalMarker)) {
    return ExitClass{
        false, false,
        "the agent's rsync gate refused the request: " + LineWith(err, kGateRefusalMarker)};
  }
  if (Contains(err, "No space left on device")) {
    return ExitClass{false, false, "the destination volume is full (No space left on device)"};
  }
  if (Contains(err, "Permission denied (publickey")) {
    // During a key rotation the agent may not have loaded the new key yet.
    return ExitClass{false, true,
                     "the agent did not accept the mover's key (Permission denied (publickey)); "
                     "it may not have loaded it yet"};
  }
  return std::nullopt;
}

}  // namespace

std::string RsyncExitMeaning(int exit_code) {
  if (exit_code == kSshFailure) return "ssh failed (connection or authentication)";
  if (const CodeInfo* info = Find(exit_code)) return std::string(info->meaning);
  return "exit code " + std::to_string(exit_code);
}

ExitClass ClassifyRsyncExit(int exit_code, int term_signal, std::string_view stderr_text) {
  if (exit_code == 0 && term_signal == 0) return ExitClass{true, false, ""};
  if (auto known = FromStderr(stderr_text)) return *known;
  if (exit_code < 0) {
    const char* name = sigabbrev_np(term_signal);
    return ExitClass{
        false, true,
        std::string("rsync was killed by signal ") +
            (name != nullptr ? std::string("SIG") + name : std::to_string(term_signal))};
  }
  std::string reason =
      "rsync exit " + std::to_string(exit_code) + ": " + RsyncExitMeaning(exit_code);
  // ssh's own line ("ssh: connect to host ...: Connection refused") says
  // more than rsync's "connection unexpectedly closed" that follows it.
  std::string detail = LineWith(stderr_text, "ssh: ", true);
  if (detail.empty()) detail = LineWith(stderr_text, "rsync: ", true);
  if (!detail.empty()) reason += " (" + detail + ")";
  if (exit_code == kSshFailure) return ExitClass{false, true, reason};
  const CodeInfo* info = Find(exit_code);
  // An unknown code is retried: rsync added codes over time, and a retry
  // costs little while giving up on a transient failure costs a sync.
  return ExitClass{false, info == nullptr || info->retryable, reason};
}

}  // namespace drs::mover
