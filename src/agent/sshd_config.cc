#include "agent/sshd_config.h"

#include <arpa/inet.h>

#include <fmt/format.h>

#include "agent/identifiers.h"

namespace drs::agent {
namespace {

// Connection-level limits. sshd's defaults are for interactive servers;
// these fit a handful of movers and the controller's health checks.
constexpr std::string_view kMaxStartups = "10:30:60";  // start dropping at 10 unauthenticated
constexpr int kMaxAuthTries = 3;                       // one key per client is all we issue
constexpr int kMaxSessions = 2;                        // rsync needs one channel
constexpr int kLoginGraceSeconds = 30;
constexpr int kClientAliveIntervalSeconds = 30;  // find dead movers' connections
constexpr int kClientAliveCountMax = 4;

bool IsIpLiteral(const std::string& address) {
  in_addr v4{};
  in6_addr v6{};
  return inet_pton(AF_INET, address.c_str(), &v4) == 1 ||
         inet_pton(AF_INET6, address.c_str(), &v6) == 1;
}

Status CheckPath(std::string_view field, const std::string& path) {
  if (!path.starts_with('/') || !IsPlainWord(path)) {
    return InvalidError("sshd_config: " + std::string(field) + " \"" + path +
                        "\" must be an absolute path of A-Z a-z 0-9 . _ , : = / @ + -");
  }
  return OkStatus();
}

}  // namespace

Result<std::string> RenderSshdConfig(const SshdConfigParams& p) {
  if (!IsIpLiteral(p.listen_address)) {
    return InvalidError("sshd_config: listen address \"" + p.listen_address +
                        "\" is not an IPv4 or IPv6 address");
  }
  if (p.port == 0) return InvalidError("sshd_config: port must be between 1 and 65535");
  DRS_RETURN_IF_ERROR(CheckPath("host key file", p.host_key_file));
  DRS_RETURN_IF_ERROR(CheckPath("authorized keys file", p.authorized_keys_file));
  DRS_RETURN_IF_ERROR(CheckPath("pid file", p.pid_file));
  return fmt::format(
      R"(# Rendered by dr-syncer-agent; every start rewrites it. See docs/agent.md.
Port {port}
ListenAddress {address}
PidFile {pid_file}
HostKey {host_key}
HostKeyAlgorithms ssh-ed25519

# Who may log in, and how: root (reading every volume with its ownership
# needs it), only with an Ed25519 key whose line carries a forced command.
AllowUsers root
PermitRootLogin forced-commands-only
AuthenticationMethods publickey
PubkeyAuthentication yes
PubkeyAcceptedAlgorithms ssh-ed25519
AuthorizedKeysFile {authorized_keys}
AuthorizedKeysCommand none
AuthorizedPrincipalsFile none
PasswordAuthentication no
PermitEmptyPasswords no
KbdInteractiveAuthentication no
HostbasedAuthentication no
IgnoreRhosts yes
UsePAM no
StrictModes yes

# What a session may do: run the forced command, nothing more.
PermitTTY no
DisableForwarding yes
AllowAgentForwarding no
AllowTcpForwarding no
AllowStreamLocalForwarding no
X11Forwarding no
PermitTunnel no
GatewayPorts no
PermitListen none
PermitOpen none
PermitUserEnvironment no
PermitUserRC no
ExposeAuthInfo no
PrintMotd no
PrintLastLog no
Banner none
# No Subsystem lines: sftp (and any other subsystem) requests are refused.

# Modern algorithms only; every client we ship is OpenSSH 9.
Ciphers chacha20-poly1305@openssh.com,aes256-gcm@openssh.com,aes128-gcm@openssh.com
MACs hmac-sha2-512-etm@openssh.com,hmac-sha2-256-etm@openssh.com
KexAlgorithms sntrup761x25519-sha512@openssh.com,curve25519-sha256,curve25519-sha256@libssh.org

# Limits and liveness.
MaxStartups {max_startups}
MaxAuthTries {max_auth_tries}
MaxSessions {max_sessions}
LoginGraceTime {login_grace}
ClientAliveInterval {alive_interval}
ClientAliveCountMax {alive_count}
UseDNS no
LogLevel VERBOSE
)",
      fmt::arg("port", p.port), fmt::arg("address", p.listen_address),
      fmt::arg("pid_file", p.pid_file), fmt::arg("host_key", p.host_key_file),
      fmt::arg("authorized_keys", p.authorized_keys_file), fmt::arg("max_startups", kMaxStartups),
      fmt::arg("max_auth_tries", kMaxAuthTries), fmt::arg("max_sessions", kMaxSessions),
      fmt::arg("login_grace", kLoginGraceSeconds),
      fmt::arg("alive_interval", kClientAliveIntervalSeconds),
      fmt::arg("alive_count", kClientAliveCountMax));
}

}  // namespace drs::agent
