#include "mover/ssh_command.h"

namespace drs::mover {
namespace {

// ssh parses an -o value like a config line: a path with spaces must be
// double-quoted or it is read as several files.
std::string ConfigValue(const std::string& value) {
  return value.find(' ') == std::string::npos ? value : "\"" + value + "\"";
}

std::string Option(const std::string& name, const std::string& value) { return name + "=" + value; }

}  // namespace

std::vector<std::string> BuildSshArgv(const SshTarget& t) {
  std::vector<std::string> argv = {
      t.ssh_program,
      // No ~/.ssh/config or /etc/ssh/ssh_config: every setting is below.
      "-F",
      "/dev/null",
      "-p",
      std::to_string(t.port),
      "-i",
      t.identity_file,
  };
  const std::vector<std::string> options = {
      // Trust only the pinned host key, and only as Ed25519.
      "StrictHostKeyChecking=yes",
      Option("UserKnownHostsFile", ConfigValue(t.known_hosts_file)),
      "GlobalKnownHostsFile=/dev/null",
      "HostKeyAlgorithms=ssh-ed25519",
      "UpdateHostKeys=no",
      "CheckHostIP=no",
      // Offer the given key and nothing else; never prompt.
      "IdentitiesOnly=yes",
      "IdentityAgent=none",
      "BatchMode=yes",
      "PasswordAuthentication=no",
      "KbdInteractiveAuthentication=no",
      Option("ConnectTimeout", std::to_string(kSshConnectTimeoutSeconds)),
      Option("ServerAliveInterval", std::to_string(kSshServerAliveIntervalSeconds)),
      Option("ServerAliveCountMax", std::to_string(kSshServerAliveCountMax)),
      "ForwardAgent=no",
      "ForwardX11=no",
      "ClearAllForwardings=yes",
      // Errors only: "Host key verification failed." still reaches stderr.
      "LogLevel=ERROR",
  };
  if (!t.control_path.empty()) {
    // Join the pull's shared connection; without its socket (the master
    // failed or ended) ssh connects on its own.
    for (const std::string& option :
         {std::string("ControlMaster=no"), Option("ControlPath", ConfigValue(t.control_path))}) {
      argv.emplace_back("-o");
      argv.push_back(option);
    }
  }
  for (const std::string& option : options) {
    argv.emplace_back("-o");
    argv.push_back(option);
  }
  return argv;
}

std::string RshCommandLine(const std::vector<std::string>& argv) {
  std::string out;
  for (const std::string& arg : argv) {
    if (!out.empty()) out += ' ';
    if (!arg.empty() && arg.find_first_of(" \"\\") == std::string::npos) {
      out += arg;
    } else {
      out += "'" + arg + "'";
    }
  }
  return out;
}

}  // namespace drs::mover
