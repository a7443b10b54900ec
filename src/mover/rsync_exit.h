#pragma once
// What an rsync (or ssh) exit means for the next attempt. rsync's exit codes
// are documented in rsync(1) "EXIT VALUES"; ssh exits 255 for its own
// failures and rsync passes that on. A failure is *retryable* when the same
// pull may succeed later without anyone changing anything (the network, a
// timeout, a partial transfer, files changing under us, a key not yet
// loaded by the agent) and *terminal* when it will fail the same way until
// the configuration changes (a usage error, protocol mismatch, the gate
// refusing the request, a host key that does not match the pinned one).
//
// Thread-safety: pure functions.

#include <string>
#include <string_view>

namespace drs::mover {

struct ExitClass {
  bool succeeded = false;
  bool retryable = false;
  std::string reason;  // one line for people; empty on success
};

// `exit_code` is the exit status (-1 when killed by `term_signal`);
// `stderr_text` is what rsync and ssh printed (its tail is enough), scanned
// for the cases the exit code cannot tell apart.
ExitClass ClassifyRsyncExit(int exit_code, int term_signal, std::string_view stderr_text);

// rsync(1)'s wording for an exit code, "exit code N" for unknown ones.
std::string RsyncExitMeaning(int exit_code);

// How the agent's gate starts the stderr line of a refusal
// ("dr-syncer-agent: refused: <reason>", docs/agent.md). ssh passes it
// through before rsync reports a broken stream.
inline constexpr std::string_view kGateRefusalMarker = "dr-syncer-agent: refused:";

}  // namespace drs::mover
