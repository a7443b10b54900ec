#include "controller/datasync/agent_health.h"

#include "controller/datasync/names.h"
#include "controller/datasync/source_locator.h"
#include "mover/ssh_command.h"

namespace drs::controller::datasync {
namespace {

// A condition message quotes at most this much of ssh's stderr or of an
// unexpected answer: enough to diagnose, short enough for a status.
constexpr std::size_t kMaxQuoted = 200;

std::string Bounded(std::string_view text) {
  return std::string(text.substr(0, kMaxQuoted)) + (text.size() > kMaxQuoted ? "..." : "");
}

}  // namespace

std::vector<AgentTarget> ReadyAgentTargets(const std::vector<nlohmann::json>& agent_pods) {
  std::vector<AgentTarget> out;
  for (auto& [node, address] : ReadyAgents(agent_pods)) out.push_back({node, address});
  return out;
}

std::vector<std::string> HealthSshArgv(const HealthSshFiles& files, const AgentTarget& target,
                                       std::int32_t port) {
  std::vector<std::string> argv = mover::BuildSshArgv({.port = port,
                                                       .identity_file = files.identity_file,
                                                       .known_hosts_file = files.known_hosts_file});
  argv.insert(argv.end(),
              {"-l", std::string(kAgentSshUser), target.address, std::string(kAgentHealthCommand)});
  return argv;
}

Status CheckHealthAnswer(std::string_view answer, std::string_view node) {
  const std::string_view line = answer.substr(0, answer.find('\n'));
  const auto parsed = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_discarded() || !parsed.is_object()) {
    return InvalidError("the health answer is not a JSON object: \"" + Bounded(line) + "\"");
  }
  const auto it = parsed.find("node");
  if (it == parsed.end() || !it->is_string()) {
    return InvalidError("the health answer names no node");
  }
  if (it->get<std::string>() != node) {
    return InvalidError("the agent answered for node \"" + Bounded(it->get<std::string>()) +
                        "\", not \"" + std::string(node) + "\"");
  }
  return OkStatus();
}

std::string FirstLine(std::string_view text, std::string_view fallback) {
  while (!text.empty()) {
    const std::size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.remove_suffix(1);
    while (!line.empty() && line.front() == ' ') line.remove_prefix(1);
    if (!line.empty()) return Bounded(line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
  return std::string(fallback);
}

void ApplyAgentCheckError(api::RemoteClusterStatus& status, std::string_view error,
                          std::int64_t generation, Clock::WallTime now) {
  status.agents->reachable = 0;
  if (!api::IsConditionTrue(status.conditions, api::kConditionAgentsReady)) return;
  api::SetCondition(status.conditions,
                    {.type = std::string(api::kConditionAgentsReady),
                     .status = api::ConditionStatus::kFalse,
                     .reason = "Unreachable",
                     .message = "the agents could not be checked over ssh: " + std::string(error),
                     .observed_generation = generation},
                    now);
}

void ApplyAgentReachability(api::RemoteClusterStatus& status,
                            const std::vector<AgentHealth>& results, std::int64_t generation,
                            Clock::WallTime now) {
  std::int32_t reachable = 0;
  const AgentHealth* first_failure = nullptr;
  for (const AgentHealth& r : results) {
    if (r.ok) {
      ++reachable;
    } else if (first_failure == nullptr) {
      first_failure = &r;
    }
  }
  status.agents->reachable = reachable;
  if (first_failure == nullptr ||
      !api::IsConditionTrue(status.conditions, api::kConditionAgentsReady)) {
    return;  // a False or Unknown condition already says what is wrong first
  }
  api::SetCondition(status.conditions,
                    {.type = std::string(api::kConditionAgentsReady),
                     .status = api::ConditionStatus::kFalse,
                     .reason = "Unreachable",
                     .message = "the agent on node " + first_failure->target.node + " (" +
                                first_failure->target.address +
                                ") did not answer the ssh health check: " + first_failure->reason +
                                "; " + std::to_string(reachable) + " of " +
                                std::to_string(results.size()) + " ready agents answered",
                     .observed_generation = generation},
                    now);
}

}  // namespace drs::controller::datasync
