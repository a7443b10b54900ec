#include "ssh_servers.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <thread>

#include <httplib.h>
#include <nlohmann/json.hpp>

#include "base/file_util.h"
#include "base/subprocess.h"
#include "base/unique_fd.h"
#include "process_tree.h"

namespace drs::bench {
namespace {

namespace fs = std::filesystem;

constexpr auto kStartDeadline = std::chrono::seconds(30);
constexpr auto kStopGrace = std::chrono::seconds(15);
constexpr auto kPollPause = std::chrono::milliseconds(50);
constexpr auto kKeygenTimeout = std::chrono::seconds(30);
constexpr const char* kLoopback = "127.0.0.1";

int FreePort() {
  UniqueFd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!sock.valid() || ::bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  return ntohs(addr.sin_port);
}

bool AcceptsConnections(int port) {
  UniqueFd sock(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  return sock.valid() &&
         ::connect(sock.get(), reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0;
}

Status WriteText(const std::string& path, const std::string& text, mode_t mode) {
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  std::ofstream out(path, std::ios::trunc);
  out << text;
  out.close();
  if (!out || ::chmod(path.c_str(), mode) != 0) return InternalError("cannot write " + path);
  return OkStatus();
}

// ssh-keygen's Ed25519 pair at `path` (+ .pub); returns "ssh-ed25519 AAAA..."
// without the comment.
Result<std::string> MakeKey(const std::string& path) {
  std::error_code error;
  fs::create_directories(fs::path(path).parent_path(), error);
  DRS_ASSIGN_OR_RETURN(auto made, RunProcess({.argv = {"ssh-keygen", "-q", "-t", "ed25519", "-N",
                                                       "", "-C", "data_bench", "-f", path},
                                              .timeout = kKeygenTimeout},
                                             {}));
  if (!made.Succeeded()) return InternalError("ssh-keygen failed: " + made.stderr_data);
  DRS_ASSIGN_OR_RETURN(std::string line, ReadFileToString(path + ".pub"));
  const auto second_space = line.find(' ', line.find(' ') + 1);
  return line.substr(0, second_space);
}

std::string LogTail(const std::string& path) {
  auto text = ReadFileToString(path);
  if (!text.ok()) return "";
  constexpr std::size_t kTail = 2000;
  return text->size() > kTail ? text->substr(text->size() - kTail) : *text;
}

Result<ChildProcess> SpawnLogged(std::vector<std::string> argv, const std::string& log_path) {
  UniqueFd log(::open(log_path.c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  if (!log.valid()) return InternalError("cannot open " + log_path + ": " + std::strerror(errno));
  const char* path_env = std::getenv("PATH");
  return ChildProcess::Spawn(
      {.argv = std::move(argv),
       .envp = {std::string("PATH=") + (path_env != nullptr ? path_env : "/usr/bin:/bin")},
       .stdout_fd = log.get(),
       .stderr_fd = log.get()});
}

// Polls until `ready` holds, the child exits or the deadline passes.
template <typename F>
Status AwaitReady(ChildProcess& child, const std::string& what, const std::string& log_path,
                  F ready) {
  const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
  while (!ready()) {
    if (child.TryReap()) return InternalError(what + " exited at start:\n" + LogTail(log_path));
    if (std::chrono::steady_clock::now() > deadline) {
      return DeadlineExceededError(what + " not ready after 30 s:\n" + LogTail(log_path));
    }
    std::this_thread::sleep_for(kPollPause);
  }
  return OkStatus();
}

}  // namespace

Result<std::unique_ptr<BenchServers>> BenchServers::Start(const ServersConfig& config) {
  if (::geteuid() != 0) {
    return FailedPreconditionError(
        "data_bench must run as root: sshd, and root logins that "
        "keep ownership, as the agent runs in its DaemonSet");
  }
  std::string pattern = "/run/drs-data-bench-XXXXXX";
  if (::mkdtemp(pattern.data()) == nullptr) {
    return InternalError("cannot create a workspace under /run: " + std::string(strerror(errno)));
  }
  std::unique_ptr<BenchServers> servers(new BenchServers(pattern));
  DRS_ASSIGN_OR_RETURN(std::string host_public,
                       MakeKey(servers->Path("host-key/ssh_host_ed25519_key")));
  DRS_ASSIGN_OR_RETURN(std::string client_public, MakeKey(servers->client_key()));
  servers->agent_port_ = FreePort();
  servers->health_port_ = FreePort();
  servers->plain_port_ = FreePort();
  if (servers->agent_port_ == 0 || servers->health_port_ == 0 || servers->plain_port_ == 0) {
    return InternalError("no free port on 127.0.0.1");
  }
  std::string known_hosts;
  for (int port : {servers->agent_port_, servers->plain_port_}) {
    known_hosts += "[127.0.0.1]:" + std::to_string(port) + " " + host_public + "\n";
  }
  DRS_RETURN_IF_ERROR(WriteText(servers->known_hosts(), known_hosts, 0644));
  DRS_RETURN_IF_ERROR(servers->StartAgent(config, client_public));
  DRS_RETURN_IF_ERROR(servers->StartPlainSshd(config, client_public));
  return servers;
}

Status BenchServers::StartAgent(const ServersConfig& config, const std::string& client_public) {
  nlohmann::json volumes = nlohmann::json::array();
  for (const BenchVolume& v : config.volumes) {
    volumes.push_back(
        {{"namespace", kBenchNamespace}, {"claim", v.claim}, {"volumeName", v.volume_name}});
  }
  const nlohmann::json access = {{"version", 1},
                                 {"keys",
                                  {{{"id", "mover/bench/1"},
                                    {"role", "mover"},
                                    {"publicKey", client_public},
                                    {"volumes", volumes}}}}};
  DRS_RETURN_IF_ERROR(WriteText(Path("access/access.json"), access.dump(2) + "\n", 0400));
  std::error_code error;
  fs::create_directories(Path("agent-state"), error);
  const std::string log = Path("agent.log");
  DRS_ASSIGN_OR_RETURN(
      auto child,
      SpawnLogged({config.agent_binary, "run", "--listen-address=127.0.0.1",
                   "--port=" + std::to_string(agent_port_), "--host-key-dir=" + Path("host-key"),
                   "--access-file=" + Path("access/access.json"),
                   "--kubelet-pods-dir=" + config.pods_dir, "--state-dir=" + Path("agent-state"),
                   "--health-address=127.0.0.1:" + std::to_string(health_port_),
                   "--node-name=bench-node", "--sshd=" + config.sshd},
                  log));
  agent_.emplace(std::move(child));
  return AwaitReady(*agent_, "dr-syncer-agent run", log, [this] {
    httplib::Client client(kLoopback, health_port_);
    client.set_connection_timeout(std::chrono::seconds(2));
    auto response = client.Get("/readyz");
    return response && response->status == 200;
  });
}

Status BenchServers::StartPlainSshd(const ServersConfig& config, const std::string& client_public) {
  // What an administrator would write for root logins with keys: defaults
  // for everything that shapes the data path (ciphers, MACs, compression).
  const std::string sshd_config = "Port " + std::to_string(plain_port_) +
                                  "\n"
                                  "ListenAddress 127.0.0.1\n"
                                  "HostKey " +
                                  Path("host-key/ssh_host_ed25519_key") +
                                  "\n"
                                  "PidFile " +
                                  Path("plain/sshd.pid") +
                                  "\n"
                                  "AuthorizedKeysFile " +
                                  Path("plain/authorized_keys") +
                                  "\n"
                                  "PermitRootLogin prohibit-password\n"
                                  "PasswordAuthentication no\n"
                                  "KbdInteractiveAuthentication no\n"
                                  "UsePAM no\n";
  DRS_RETURN_IF_ERROR(WriteText(Path("plain/sshd_config"), sshd_config, 0600));
  DRS_RETURN_IF_ERROR(WriteText(Path("plain/authorized_keys"), client_public + "\n", 0600));
  const std::string log = Path("plain/sshd.log");
  DRS_ASSIGN_OR_RETURN(
      auto child, SpawnLogged({config.sshd, "-D", "-e", "-f", Path("plain/sshd_config")}, log));
  plain_.emplace(std::move(child));
  return AwaitReady(*plain_, "plain sshd", log, [this] { return AcceptsConnections(plain_port_); });
}

std::string BenchServers::LastAuditLine() const {
  auto text = ReadFileToString(Path("agent-state/audit.log"));
  if (!text.ok() || text->empty()) return "";
  std::string lines = *text;
  while (!lines.empty() && lines.back() == '\n') lines.pop_back();
  return lines.substr(lines.rfind('\n') + 1);
}

void BenchServers::Stop(std::optional<ChildProcess>& child) {
  if (!child.has_value() || child->reaped()) return;
  // The agent ends its sshd's process group itself on SIGTERM; a plain
  // sshd's listener exits and its group goes with KillAndReap.
  ::kill(child->pid(), SIGTERM);
  if (!WaitForExit(*child, kStopGrace)) child->KillAndReap();
}

BenchServers::~BenchServers() {
  Stop(agent_);
  Stop(plain_);
  std::error_code ignored;
  fs::remove_all(root_, ignored);
}

}  // namespace drs::bench
