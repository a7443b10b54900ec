#include "mover/unchanged_check.h"

#include <nlohmann/json.hpp>

#include "base/subprocess.h"
#include "mover/rsync_command.h"
#include "mover/ssh_command.h"

namespace drs::mover {
namespace {

// The agent's JSON line is about 130 bytes; its refusal one line.
constexpr std::size_t kMaxAnswerBytes = 4096;
// The gate's command (agent/gate.h; the mover does not link the agent).
constexpr std::string_view kTreeDigestCommand = "dr-syncer-tree-digest";

std::string FirstLine(std::string_view text) {
  const std::size_t end = text.find('\n');
  return std::string(end == std::string_view::npos ? text : text.substr(0, end));
}

}  // namespace

std::string TransferContext(const PullOptions& o) {
  // One field per line; no value contains a newline (ValidatePullOptions).
  std::string context = "dr-syncer transfer v1\npath=" + o.path + "\n";
  for (const std::string& pattern : o.excludes) context += "exclude=" + pattern + "\n";
  for (const std::string& option : o.rsync_options) context += "option=" + option + "\n";
  return context;
}

Result<TreeDigest> ParseSourceDigestAnswer(std::string_view answer) {
  const auto json = nlohmann::json::parse(answer, nullptr, /*allow_exceptions=*/false);
  const auto bad = [&](std::string_view why) {
    return InvalidError("the agent's tree digest answer " + std::string(why) + ": \"" +
                        FirstLine(answer.substr(0, 200)) + "\"");
  };
  if (!json.is_object()) return bad("is not a JSON object");
  TreeDigest digest;
  const auto digest_it = json.find("digest");
  if (digest_it == json.end() || !digest_it->is_string() ||
      !IsTreeDigestValue(digest_it->get<std::string>())) {
    return bad("has no valid \"digest\"");
  }
  digest.value = digest_it->get<std::string>();
  for (const auto& [name, field] :
       {std::pair{"entries", &digest.entries}, std::pair{"files", &digest.files},
        std::pair{"bytes", &digest.bytes}}) {
    const auto it = json.find(name);
    if (it == json.end() || !it->is_number_integer() || it->get<std::int64_t>() < 0) {
      return bad(std::string("has no valid \"") + name + "\"");
    }
    *field = it->get<std::int64_t>();
  }
  // Optional: an agent that does not count sparse files leaves rsync's hole
  // handling on.
  const auto sparse = json.find("sparseFiles");
  if (sparse == json.end()) {
    digest.sparse_files = -1;
  } else if (sparse->is_number_integer() && sparse->get<std::int64_t>() >= 0) {
    digest.sparse_files = sparse->get<std::int64_t>();
  } else {
    return bad("has no valid \"sparseFiles\"");
  }
  return digest;
}

Result<TreeDigest> FetchSourceDigest(const PullOptions& o, std::chrono::milliseconds timeout,
                                     std::stop_token stop) {
  ProcessSpec spec{.argv = BuildSshArgv({.ssh_program = o.ssh_program,
                                         .port = o.port,
                                         .identity_file = o.identity_file,
                                         .known_hosts_file = o.known_hosts_file,
                                         .control_path = o.ssh_control_path}),
                   .clear_env = true,
                   .timeout = timeout,
                   .max_stdout_bytes = kMaxAnswerBytes,
                   .max_stderr_bytes = kMaxAnswerBytes};
  for (const std::string& arg :
       {std::string("-l"), o.user, o.host, std::string(kTreeDigestCommand), o.path}) {
    spec.argv.push_back(arg);
  }
  for (const std::string& entry : RsyncEnvironment()) {
    const std::size_t eq = entry.find('=');
    spec.env.emplace_back(entry.substr(0, eq), entry.substr(eq + 1));
  }
  DRS_ASSIGN_OR_RETURN(ProcessResult run, RunProcess(spec, stop));
  if (run.timed_out) return DeadlineExceededError("the agent's tree digest timed out");
  if (!run.Succeeded()) {
    std::string why = FirstLine(run.stderr_data);
    if (why.empty()) why = "ssh exited with " + std::to_string(run.exit_code);
    return UnavailableError("the agent gave no tree digest: " + why);
  }
  return ParseSourceDigestAnswer(run.stdout_data);
}

}  // namespace drs::mover
