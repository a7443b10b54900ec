#include "kubeclient/exec_credential.h"

#include <utility>

#include "base/logging.h"
#include "base/rfc3339.h"
#include "base/subprocess.h"
#include "kubeclient/exec_credential_json.h"

namespace drs::kubeclient {
namespace {

constexpr const char* kExecInfoVar = "KUBERNETES_EXEC_INFO";
constexpr const char* kInteractiveAlways = "Always";
// How much of a failing plugin's stderr goes into the error: enough for its
// message, not enough to flood a status condition.
constexpr std::size_t kStderrInError = 512;
constexpr std::string_view kWhitespace = " \t\r\n";

std::string StderrExcerpt(std::string_view stderr_text) {
  const auto first = stderr_text.find_first_not_of(kWhitespace);
  if (first == std::string_view::npos) return "(no stderr)";
  stderr_text = stderr_text.substr(first, stderr_text.find_last_not_of(kWhitespace) - first + 1);
  if (stderr_text.size() <= kStderrInError) return std::string(stderr_text);
  return std::string(stderr_text.substr(0, kStderrInError)) + "...";
}

}  // namespace

ExecCredential ExecCredential::Copy() const {
  return {token.Copy(), client_cert_pem, client_key_pem.Copy(), expiration};
}

ExecClusterInfo ExecClusterInfo::FromRestConfig(const RestConfig& config) {
  return {.server = config.server,
          .ca_pem = config.ca_pem,
          .tls_server_name = config.tls_server_name,
          .insecure_skip_tls_verify = config.insecure_skip_tls_verify,
          .proxy_url = config.proxy_url};
}

ExecCredentialProvider::ExecCredentialProvider(ExecConfig config, Clock& clock,
                                               ExecClusterInfo cluster)
    : config_(std::move(config)), clock_(clock), cluster_(std::move(cluster)) {}

Result<ExecCredential> ExecCredentialProvider::Get(std::stop_token stop) {
  std::unique_lock lock(mu_);
  while (true) {
    if (cached_.has_value() && FreshLocked()) return cached_->Copy();
    if (!running_) break;
    // Another caller is running the plugin: share its result.
    const std::uint64_t awaited = runs_finished_ + 1;
    if (!cv_.wait(lock, stop, [&] { return runs_finished_ >= awaited; })) {
      return CancelledError("stopped while waiting for exec plugin \"" + config_.command + "\"");
    }
    if (last_error_.has_value()) return *last_error_;
  }
  running_ = true;
  lock.unlock();
  Result<ExecCredential> result = RunPlugin(stop);
  lock.lock();
  running_ = false;
  ++runs_finished_;
  last_error_.reset();
  if (result.ok()) {
    cached_ = result->Copy();
  } else if (result.error().code() != ErrorCode::kCancelled) {
    // A cancelled run says nothing about the plugin; waiters run it themselves.
    last_error_ = result.error();
  }
  cv_.notify_all();
  return result;
}

void ExecCredentialProvider::Invalidate() {
  std::lock_guard lock(mu_);
  cached_.reset();
}

bool ExecCredentialProvider::FreshLocked() const {
  if (!cached_->expiration.has_value()) return true;
  return clock_.WallNow() + kExecCredentialExpirySkew < *cached_->expiration;
}

Error ExecCredentialProvider::PluginError(std::string what) const {
  std::string message = "exec plugin \"" + config_.command + "\" " + std::move(what);
  if (!config_.install_hint.empty()) message += "; " + config_.install_hint;
  return Error(ErrorCode::kUnauthenticated, std::move(message));
}

Result<ExecCredential> ExecCredentialProvider::RunPlugin(std::stop_token stop) const {
  if (config_.interactive_mode == kInteractiveAlways) {
    return PluginError("needs a terminal (interactiveMode: Always), which dr-syncer never has");
  }
  ProcessSpec spec{.argv = {config_.command}, .env = config_.env, .timeout = kExecPluginTimeout};
  spec.argv.insert(spec.argv.end(), config_.args.begin(), config_.args.end());
  spec.env.emplace_back(
      kExecInfoVar, internal::BuildExecRequest(config_.api_version,
                                               config_.provide_cluster_info ? &cluster_ : nullptr));
  auto run = RunProcess(spec, std::move(stop));
  if (!run.ok()) {
    if (run.error().code() == ErrorCode::kCancelled) return std::move(run).error();
    return PluginError("could not run: " + run.error().message());
  }
  // The output holds the credential: keep it where it is wiped.
  const SecretBytes output(std::move(run->stdout_data));
  if (run->timed_out) {
    return PluginError("timed out after " + std::to_string(kExecPluginTimeout.count()) + "s");
  }
  if (run->exit_code != 0) {
    const std::string how = run->term_signal != 0
                                ? "was killed by signal " + std::to_string(run->term_signal)
                                : "failed with exit code " + std::to_string(run->exit_code);
    return PluginError(how + ": " + StderrExcerpt(run->stderr_data));
  }
  if (run->stdout_truncated) return PluginError("printed more output than an ExecCredential");
  auto credential = internal::ParseExecResponse(output.reveal(), config_.api_version);
  if (!credential.ok())
    return PluginError("printed a bad ExecCredential: " + credential.error().message());
  GetLogger("exec-credential")
      ->info(Fields("exec credential refreshed",
                    {{"command", config_.command},
                     {"expires", credential->expiration ? FormatRfc3339(*credential->expiration)
                                                        : std::string("never")}}));
  return credential;
}

}  // namespace drs::kubeclient
