#include "mover/rsync_pass.h"

#include "base/logging.h"
#include "mover/rsync_command.h"
#include "mover/rsync_progress.h"
#include "mover/rsync_stats.h"
#include "mover/rsync_verification.h"

namespace drs::mover {
namespace {

// The --stats block is under 1 KiB; rsync's own error summary is a few
// lines. Keep far more than that, but bounded whatever the child prints.
constexpr std::size_t kMaxStdoutTail = 64 * 1024;
constexpr std::size_t kMaxStderrTail = 16 * 1024;
// A broken volume can make rsync print one error per file; the first ones
// say what is wrong, the rest would bury the log.
constexpr int kMaxLoggedStderrLines = 200;
// Often enough that a long transfer shows life in `kubectl logs`, rarely
// enough not to flood it.
constexpr auto kProgressInterval = std::chrono::seconds(10);

// Appends `line` + '\n' to `tail`, dropping the oldest text beyond `cap`.
void AppendBounded(std::string& tail, std::string_view line, std::size_t cap) {
  tail.append(line);
  tail += '\n';
  if (tail.size() > 2 * cap) tail.erase(0, tail.size() - cap);
}

void TrimToCap(std::string& tail, std::size_t cap) {
  if (tail.size() > cap) tail.erase(0, tail.size() - cap);
}

// rsync's own totals for the final progress line, when it printed --stats:
// by then its children have been reaped, and what they did in their last
// moments is no longer in /proc.
std::optional<TransferIo> FinalTotals(std::string_view stdout_text) {
  const auto stats = ParseRsyncStats(stdout_text);
  if (!stats.ok()) return std::nullopt;
  return TransferIo{.received = stats->bytes_received,
                    .written = stats->literal_bytes + stats->matched_bytes};
}

}  // namespace

Result<PassOutput> RunRsyncPass(const PassSpec& spec, std::stop_token stop) {
  static const auto log = GetLogger("mover");
  PassOutput out;
  ProgressMonitor progress(
      {.clock = spec.clock != nullptr ? spec.clock : &RealClock::Get(),
       .interval = kProgressInterval,
       .report = [&volume = spec.volume](const ProgressLine& line) { LogProgress(volume, line); }});
  int logged_stderr = 0;

  LineProcessSpec process{.argv = spec.argv,
                          .envp = RsyncEnvironment(),
                          .timeout = spec.timeout,
                          .on_started = [&](pid_t pid) {
                            progress.Start(pid);
                            if (spec.on_started) spec.on_started(pid);
                          }};
  std::string command;
  for (const std::string& word : spec.argv) command += (command.empty() ? "" : " ") + word;
  log->debug(Fields("running rsync", {{"volume", spec.volume}, {"command", command}}));
  process.on_stdout_line = [&](std::string_view line) {
    if (line.empty()) return;
    if (auto diff = ParseItemizeLine(line)) {
      ++out.differences;
      out.any_content_only = out.any_content_only || diff->content_only;
      if (out.difference_examples.size() < kMaxDifferenceExamples) {
        out.difference_examples.push_back(diff->line);
      }
      return;
    }
    AppendBounded(out.stdout_text, line, kMaxStdoutTail);
  };
  process.on_stderr_line = [&](std::string_view line) {
    if (line.empty()) return;
    AppendBounded(out.stderr_text, line, kMaxStderrTail);
    if (logged_stderr < kMaxLoggedStderrLines) {
      log->warn(Fields("rsync", {{"volume", spec.volume}, {"stderr", std::string(line)}}));
    } else if (logged_stderr == kMaxLoggedStderrLines) {
      log->warn(Fields("rsync: further stderr lines not logged", {{"volume", spec.volume}}));
    }
    ++logged_stderr;
  };
  DRS_ASSIGN_OR_RETURN(out.process, RunLineProcess(process, std::move(stop)));
  TrimToCap(out.stdout_text, kMaxStdoutTail);
  progress.Finish(FinalTotals(out.stdout_text));
  TrimToCap(out.stderr_text, kMaxStderrTail);
  return out;
}

}  // namespace drs::mover
