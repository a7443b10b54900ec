#include "mover/pull.h"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <optional>
#include <thread>

#include "base/go_duration.h"
#include "base/logging.h"
#include "base/tree_digest.h"
#include "mover/destination_dir.h"
#include "mover/rsync_command.h"
#include "mover/rsync_exit.h"
#include "mover/rsync_pass.h"
#include "mover/rsync_verification.h"
#include "mover/shared_ssh_connection.h"
#include "mover/ssh_command.h"
#include "mover/unchanged_check.h"

namespace drs::mover {
namespace {

using Steady = std::chrono::steady_clock;

// Group and other permission bits: ssh refuses a private key with any.
constexpr mode_t kKeyPermissiveBits = 077;
constexpr std::string_view kSampleRulesName = "sample-rules";

std::shared_ptr<spdlog::logger> Log() {
  static const auto log = GetLogger("mover");
  return log;
}

Status CheckReadableFile(std::string_view what, const std::string& path) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) {
    return FailedPreconditionError(std::string(what) + " " + path + ": " + std::strerror(errno));
  }
  if (!S_ISREG(st.st_mode)) {
    return FailedPreconditionError(std::string(what) + " " + path + " is not a regular file");
  }
  if (::access(path.c_str(), R_OK) != 0) {
    return FailedPreconditionError(std::string(what) + " " + path +
                                   " is not readable: " + std::strerror(errno));
  }
  if (st.st_size == 0) return FailedPreconditionError(std::string(what) + " " + path + " is empty");
  return OkStatus();
}

// Failures ssh would report less clearly (or only as "Permission denied").
Status CheckKeyFiles(const PullOptions& o) {
  DRS_RETURN_IF_ERROR(CheckReadableFile("identity file", o.identity_file));
  DRS_RETURN_IF_ERROR(CheckReadableFile("known_hosts file", o.known_hosts_file));
  struct stat st {};
  if (::stat(o.identity_file.c_str(), &st) == 0 && (st.st_mode & kKeyPermissiveBits) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof(mode), "%04o", st.st_mode & 07777);
    return FailedPreconditionError("identity file " + o.identity_file + " has mode " + mode +
                                   "; ssh refuses a private key others can read (mount the "
                                   "Secret with defaultMode 0400)");
  }
  return OkStatus();
}

// What is left of the pull's time budget for the next pass; 0 = unlimited.
std::chrono::milliseconds Remaining(const PullOptions& o, Steady::time_point started) {
  if (o.timeout <= std::chrono::milliseconds::zero()) return o.timeout;
  const auto left =
      o.timeout - std::chrono::duration_cast<std::chrono::milliseconds>(Steady::now() - started);
  return std::max(left, std::chrono::milliseconds(1));
}

// Records a failed pass in `r`; returns whether the pass succeeded.
bool JudgePass(const PassOutput& out, const std::string& what, const PullOptions& o,
               PullResult& r) {
  const LineProcessResult& p = out.process;
  r.exit_code = p.exit_code;
  if (p.timed_out || p.stopped) {
    r.retryable = true;
    r.reason = what +
               (p.timed_out ? " timed out after " + FormatGoDuration(o.timeout)
                            : std::string(" was stopped (the mover was asked to exit)")) +
               "; the next run resumes from the partial files";
    return false;
  }
  const ExitClass verdict = ClassifyRsyncExit(p.exit_code, p.term_signal, out.stderr_text);
  if (verdict.succeeded) return true;
  r.retryable = verdict.retryable;
  r.reason = what + ": " + verdict.reason;
  return false;
}

Status WriteSampleRules(const std::string& path, const std::string& rules) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  file << rules;
  file.close();
  if (!file) return FailedPreconditionError("cannot write the sample list " + path);
  return OkStatus();
}

std::string MismatchReason(const PullOptions& o, const PassOutput& out) {
  std::string reason = "verification (" + std::string(VerificationName(o.verification)) +
                       ") found " + std::to_string(out.differences) +
                       " difference(s) between source and destination: ";
  for (std::size_t i = 0; i < out.difference_examples.size(); ++i) {
    reason += (i == 0 ? "" : "; ") + out.difference_examples[i];
  }
  if (out.differences > static_cast<std::int64_t>(out.difference_examples.size()))
    reason += "; ...";
  const bool size_only = std::find(o.rsync_options.begin(), o.rsync_options.end(), "--size-only") !=
                         o.rsync_options.end();
  if (out.any_content_only && size_only) {
    return reason +
           ". The transfer compares sizes only (rsyncOptions --size-only), so a rewrite that "
           "keeps the size is never copied; retrying will not change that";
  }
  if (out.any_content_only) {
    return reason +
           ". Contents differ although size and modification time match, which no ordinary "
           "write does and a normal sync never repairs: check the destination storage, then "
           "resync with rsyncOptions [--checksum] or remove the files from the copy";
  }
  return reason + ". The source may have changed during the run; the next sync copies it";
}

void MarkFailed(PullResult& r, std::string reason, bool retryable) {
  r.succeeded = false;
  r.exit_code = 0;
  r.reason = std::move(reason);
  r.retryable = retryable;
}

// The verification pass, after a successful transfer. Updates `r`.
void Verify(const PullOptions& o, DestinationSupport support, const PullHooks& hooks,
            const std::stop_token& stop, Steady::time_point started, PullResult& r) {
  std::string rules_file;
  if (o.verification == Verification::kSample) {
    auto sample = SampleFiles(o.dest, o.sample_percent, o.sample_seed);
    if (!sample.ok()) {
      return MarkFailed(r, "verification (sample): " + sample.error().ToString(), true);
    }
    if (sample->empty()) return;  // no regular files: nothing to compare
    rules_file = o.dest + "/" + std::string(kTempDirName) + "/" + std::string(kSampleRulesName);
    if (auto st = WriteSampleRules(rules_file, SampleIncludeRules(*sample)); !st.ok()) {
      return MarkFailed(r, "verification (sample): " + st.error().ToString(), true);
    }
    r.verification.checked = static_cast<std::int64_t>(sample->size());
  }
  const std::string what = "verification (" + std::string(VerificationName(o.verification)) + ")";
  auto out = RunRsyncPass({.argv = BuildVerifyArgv(o, support, rules_file),
                           .timeout = Remaining(o, started),
                           .volume = o.path,
                           .clock = hooks.clock,
                           .on_started = hooks.on_rsync_started},
                          stop);
  if (!out.ok()) return MarkFailed(r, what + ": " + out.error().ToString(), false);
  if (!JudgePass(*out, what, o, r)) {
    r.succeeded = false;
    return;
  }
  if (auto stats = ParseRsyncStats(out->stdout_text); stats.ok()) {
    r.verification.checked = stats->regular_files_total;
  }
  r.verification.mismatches = out->differences;
  if (out->differences > 0) MarkFailed(r, MismatchReason(o, *out), !out->any_content_only);
}

// Everything after the preflight checks; the temp dir exists.
void TransferAndVerify(const PullOptions& o, DestinationSupport support, const PullHooks& hooks,
                       const std::stop_token& stop, Steady::time_point started, PullResult& r) {
  auto out = RunRsyncPass({.argv = BuildTransferArgv(o, support),
                           .timeout = Remaining(o, started),
                           .volume = o.path,
                           .clock = hooks.clock,
                           .on_started = hooks.on_rsync_started},
                          stop);
  if (!out.ok()) {
    r.reason = "transfer: " + out.error().ToString();
    r.retryable = false;  // rsync or ssh missing from the image
    return;
  }
  if (auto stats = ParseRsyncStats(out->stdout_text); stats.ok()) r.stats = *stats;
  if (!JudgePass(*out, "transfer", o, r)) return;
  r.succeeded = true;
  r.exit_code = 0;
  if (o.verification != Verification::kNone) Verify(o, support, hooks, stop, started, r);
}

void LogOutcome(const PullOptions& o, const PullResult& r) {
  const std::vector<LogField> fields = {
      {"volume", o.path},
      {"result", r.succeeded ? "Succeeded" : "Failed"},
      {"retryable", r.retryable ? "true" : "false"},
      {"reason", r.reason},
      {"bytesTransferred", std::to_string(r.stats.bytes_transferred)},
      {"filesTransferred", std::to_string(r.stats.files_transferred)},
      {"filesDeleted", std::to_string(r.stats.files_deleted)},
      {"verificationMismatches", std::to_string(r.verification.mismatches)}};
  if (r.succeeded) {
    Log()->info(Fields("pull finished", fields));
  } else if (r.retryable) {
    Log()->warn(Fields("pull failed; a retry may succeed", fields));
  } else {
    Log()->error(Fields("pull failed; retrying will not help", fields));
  }
}

// How long the shared connection may take to come up: ssh's own connect
// timeout and a little, within what is left of the pull's.
std::chrono::milliseconds SharedConnectionTimeout(const PullOptions& o,
                                                  Steady::time_point started) {
  const std::chrono::milliseconds ssh_limit = std::chrono::seconds(kSshConnectTimeoutSeconds + 5);
  const std::chrono::milliseconds left = Remaining(o, started);
  return left > std::chrono::milliseconds::zero() ? std::min(left, ssh_limit) : ssh_limit;
}

// What the unchanged check found before the transfer.
struct PreTransferDigests {
  std::optional<TreeDigest> source;  // empty when the agent gave none
  std::string destination;           // bound; walked only to compare
  bool unchanged = false;
};

// Asks the agent for the source digest while walking the destination here,
// and compares both with the previous run's. Any failure only means the
// transfer runs (and compares) in full.
PreTransferDigests CheckUnchanged(const PullOptions& o, const std::stop_token& stop,
                                  Steady::time_point started) {
  PreTransferDigests out;
  const bool compare = !o.previous_source_digest.empty();
  Result<TreeDigest> source = UnavailableError("not asked");
  {
    std::jthread fetch([&] { source = FetchSourceDigest(o, Remaining(o, started), stop); });
    if (compare) {
      auto destination = DigestTree(o.dest);
      if (destination.ok()) {
        out.destination = BindTreeDigest(destination->value, TransferContext(o));
      } else {
        Log()->info(Fields("no destination digest; the transfer compares in full",
                           {{"volume", o.path}, {"reason", destination.error().message()}}));
      }
    }
  }
  if (!source.ok()) {
    Log()->warn(Fields("no source digest; the transfer compares in full",
                       {{"volume", o.path}, {"reason", source.error().message()}}));
    return out;
  }
  out.source = *source;
  out.unchanged = compare && !out.destination.empty() &&
                  BindTreeDigest(source->value, TransferContext(o)) == o.previous_source_digest &&
                  out.destination == o.previous_destination_digest;
  return out;
}

void MarkUnchanged(const PullOptions& o, const TreeDigest& source, PullResult& r) {
  r.succeeded = true;
  r.unchanged = true;
  r.stats.regular_files_total = source.files;
  r.stats.bytes_total = source.bytes;
  Log()->info(Fields("volume unchanged since the last sync; transfer skipped",
                     {{"volume", o.path},
                      {"files", std::to_string(source.files)},
                      {"bytes", std::to_string(source.bytes)}}));
}

// The temp dir, the destination probe, then the transfer (unless the volume
// is unchanged) and the verification pass.
void PrepareAndRun(const PullOptions& o, bool unchanged, const PullHooks& hooks,
                   const std::stop_token& stop, Steady::time_point started, PullResult& r) {
  if (Status st = PrepareTempDir(o.dest); !st.ok()) {
    MarkFailed(r, st.error().message(), false);
    return;
  }
  const DestinationSupport support = ProbeDestinationSupport(o.dest);
  Log()->info(Fields(unchanged ? "verification starting" : "pull starting",
                     {{"volume", o.path},
                      {"host", o.host},
                      {"port", std::to_string(o.port)},
                      {"dest", o.dest},
                      {"acls", support.acls ? "true" : "false"},
                      {"xattrs", support.xattrs ? "true" : "false"},
                      {"verification", std::string(VerificationName(o.verification))}}));
  if (unchanged) {
    Verify(o, support, hooks, stop, started, r);
  } else {
    TransferAndVerify(o, support, hooks, stop, started, r);
  }
  if (auto st = RemoveTempDir(o.dest); !st.ok()) {
    Log()->warn(Fields("cannot remove the temp dir", {{"error", st.error().ToString()}}));
  }
}

// The digests the next run compares with: the source's from before the
// transfer (a change during it makes the next digest differ), the
// destination's as this run leaves it (walked again if it was touched).
void RecordDigests(const PullOptions& o, const TreeDigest& source,
                   const std::string& untouched_destination, PullResult& r) {
  std::string destination = untouched_destination;
  if (destination.empty()) {
    auto walked = DigestTree(o.dest);
    if (!walked.ok()) {
      Log()->info(Fields("no destination digest to record; the next sync compares in full",
                         {{"volume", o.path}, {"reason", walked.error().message()}}));
      return;
    }
    destination = BindTreeDigest(walked->value, TransferContext(o));
  }
  r.source_digest = BindTreeDigest(source.value, TransferContext(o));
  r.destination_digest = std::move(destination);
}

}  // namespace

PullResult RunPull(const PullOptions& options, std::stop_token stop, const PullHooks& hooks) {
  const auto started = Steady::now();
  PullOptions o = options;
  PullResult r;
  r.verification.mode = o.verification;
  Status ready = CheckDestination(o.dest);
  if (ready.ok()) ready = CheckKeyFiles(o);
  std::optional<SharedSshConnection> shared;
  if (!ready.ok()) {
    r.reason = ready.error().message();
    r.retryable = false;
  } else {
    shared.emplace(SshTarget{.ssh_program = o.ssh_program,
                             .port = o.port,
                             .identity_file = o.identity_file,
                             .known_hosts_file = o.known_hosts_file},
                   o.user, o.host, RsyncEnvironment(), SharedConnectionTimeout(o, started), stop);
    o.ssh_control_path = shared->path();
    // Without a connection the transfer runs at once and reports why: a
    // digest request first would only wait out the same failure again.
    const bool check_unchanged = o.skip_unchanged && !shared->failed();
    const PreTransferDigests pre =
        check_unchanged ? CheckUnchanged(o, stop, started) : PreTransferDigests{};
    if (pre.unchanged) MarkUnchanged(o, *pre.source, r);
    // Nothing to keep sparse: spare rsync its per-KiB hole writes.
    if (pre.source.has_value() && pre.source->sparse_files == 0) o.sparse = false;
    // An unchanged volume is left alone, unless a verification pass is due.
    const bool touches_dest = !pre.unchanged || o.verification != Verification::kNone;
    if (touches_dest) PrepareAndRun(o, pre.unchanged, hooks, stop, started, r);
    if (r.succeeded && pre.source.has_value()) {
      RecordDigests(o, *pre.source, touches_dest ? "" : pre.destination, r);
    }
  }
  r.duration_seconds = std::chrono::duration<double>(Steady::now() - started).count();
  LogOutcome(o, r);
  return r;
}

}  // namespace drs::mover
