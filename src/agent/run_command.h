#pragma once
// `dr-syncer-agent run`: flags (each also DRS_<NAME> in the environment;
// --listen-address and --node-name default to $NODE_IP and $NODE_NAME as a
// DaemonSet sets them from the downward API), logging, then AgentRunner until
// `stop` (SIGTERM) is requested.
//
// Thread-safety: a process entry point; call from main only.

#include <stop_token>

namespace drs::agent {

// argv[0] is the subcommand name. Returns the process exit status.
int RunAgentCommand(int argc, char** argv, std::stop_token stop);

}  // namespace drs::agent
