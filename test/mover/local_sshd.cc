#include "local_sshd.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "base/file_util.h"
#include "base/subprocess.h"
#include "base/unique_fd.h"

namespace drs::mover::testing {
namespace {

constexpr auto kStartDeadline = std::chrono::seconds(10);
constexpr auto kConnectRetry = std::chrono::milliseconds(10);
constexpr int kPortAttempts = 5;

Status WriteFile(const std::string& path, const std::string& contents, mode_t mode) {
  {
    std::ofstream out(path, std::ios::trunc);
    out << contents;
    if (!out) return InternalError("cannot write " + path);
  }
  if (::chmod(path.c_str(), mode) != 0) return InternalError("cannot chmod " + path);
  return OkStatus();
}

Status Run(std::vector<std::string> argv) {
  const std::string program = argv[0];
  DRS_ASSIGN_OR_RETURN(ProcessResult r, RunProcess({.argv = std::move(argv)}, {}));
  if (!r.Succeeded()) return InternalError(program + " failed: " + r.stderr_data);
  return OkStatus();
}

Result<std::string> NewKey(const std::string& path) {
  DRS_RETURN_IF_ERROR(Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "", "-f", path}));
  DRS_ASSIGN_OR_RETURN(std::string pub, ReadFileToString(path + ".pub"));
  while (!pub.empty() && (pub.back() == '\n' || pub.back() == ' ')) pub.pop_back();
  return pub;
}

// A port nobody listens on right now (sshd may still lose a race for it;
// Start retries with another).
Result<int> FreePort() {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  if (!fd.valid() || ::bind(fd.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      ::getsockname(fd.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return InternalError("cannot find a free port");
  }
  return static_cast<int>(ntohs(addr.sin_port));
}

bool Accepts(int port) {
  UniqueFd fd(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  return ::connect(fd.get(), reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
}

std::string Config(const std::string& dir, int port) {
  return "ListenAddress 127.0.0.1\n"
         "Port " +
         std::to_string(port) +
         "\n"
         "HostKey " +
         dir +
         "/ssh_host_ed25519_key\n"
         "PidFile none\n"
         "AuthorizedKeysFile " +
         dir +
         "/authorized_keys\n"
         "PermitRootLogin prohibit-password\n"
         "PubkeyAuthentication yes\n"
         "PasswordAuthentication no\n"
         "KbdInteractiveAuthentication no\n"
         "UsePAM no\n"
         "StrictModes no\n"  // the temp dir's parents are not root-only
         "AllowTcpForwarding no\n"
         "X11Forwarding no\n"
         "PermitTTY no\n"
         "LogLevel VERBOSE\n";
}

}  // namespace

Result<LocalSshd> LocalSshd::Start(const std::string& dir) {
  LocalSshd sshd;
  sshd.dir_ = dir;
  sshd.volumes_dir_ = dir + "/volumes";
  std::filesystem::create_directories(sshd.volumes_dir_);
  // sshd's privilege separation directory.
  std::filesystem::create_directories("/run/sshd");
  DRS_ASSIGN_OR_RETURN(const std::string host_pub, NewKey(dir + "/ssh_host_ed25519_key"));
  DRS_ASSIGN_OR_RETURN(const std::string client_pub, NewKey(dir + "/id_ed25519"));
  DRS_ASSIGN_OR_RETURN(const std::string wrong_pub, NewKey(dir + "/other_host_key"));
  sshd.identity_file_ = dir + "/id_ed25519";
  const std::string forced = "command=\"echo \\\"$SSH_ORIGINAL_COMMAND\\\" >> " + dir +
                             "/remote-commands; cd " + sshd.volumes_dir_ +
                             " && eval \\\"$SSH_ORIGINAL_COMMAND\\\"\"";
  DRS_RETURN_IF_ERROR(
      WriteFile(dir + "/authorized_keys", "restrict," + forced + " " + client_pub + "\n", 0600));

  for (int attempt = 0; attempt < kPortAttempts; ++attempt) {
    DRS_ASSIGN_OR_RETURN(sshd.port_, FreePort());
    const std::string address = "[127.0.0.1]:" + std::to_string(sshd.port_) + " ";
    sshd.known_hosts_file_ = dir + "/known_hosts";
    sshd.wrong_known_hosts_file_ = dir + "/wrong_known_hosts";
    DRS_RETURN_IF_ERROR(WriteFile(sshd.known_hosts_file_, address + host_pub + "\n", 0644));
    DRS_RETURN_IF_ERROR(WriteFile(sshd.wrong_known_hosts_file_, address + wrong_pub + "\n", 0644));
    DRS_RETURN_IF_ERROR(WriteFile(dir + "/sshd_config", Config(dir, sshd.port_), 0644));

    UniqueFd log(
        ::open((dir + "/sshd.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644));
    DRS_ASSIGN_OR_RETURN(
        ChildProcess child,
        ChildProcess::Spawn({.argv = {"/usr/sbin/sshd", "-D", "-e", "-f", dir + "/sshd_config"},
                             .envp = {"PATH=/usr/sbin:/usr/bin:/bin"},
                             .stderr_fd = log.get()}));
    const auto deadline = std::chrono::steady_clock::now() + kStartDeadline;
    while (!child.TryReap() && !Accepts(sshd.port_) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(kConnectRetry);  // polling the port, with a deadline
    }
    if (!child.reaped() && Accepts(sshd.port_)) {
      sshd.process_ = std::move(child);
      return sshd;
    }
  }
  return UnavailableError("sshd did not start; see " + dir + "/sshd.log");
}

std::string LocalSshd::RemoteCommands() const {
  return ReadFileToString(dir_ + "/remote-commands").value_or("");
}

std::string LocalSshd::Log() const { return ReadFileToString(dir_ + "/sshd.log").value_or(""); }

}  // namespace drs::mover::testing
