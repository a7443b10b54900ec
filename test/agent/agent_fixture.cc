#include "agent_fixture.h"

#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <thread>

#include <httplib.h>

#include "base/unique_fd.h"

namespace drs::agent::test {
namespace {

namespace fs = std::filesystem;

constexpr auto kClientTimeout = std::chrono::seconds(60);
constexpr auto kPollPause = std::chrono::milliseconds(50);
constexpr const char* kLocalhost = "127.0.0.1";

std::uint16_t FreePort() {
  UniqueFd sock(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (!sock.valid() || bind(sock.get(), reinterpret_cast<sockaddr*>(&addr), len) != 0 ||
      getsockname(sock.get(), reinterpret_cast<sockaddr*>(&addr), &len) != 0) {
    return 0;
  }
  return ntohs(addr.sin_port);
}

void WriteText(const std::string& path, const std::string& text, mode_t mode = 0644) {
  fs::create_directories(fs::path(path).parent_path());
  std::ofstream(path, std::ios::trunc) << text;
  chmod(path.c_str(), mode);
}

std::string ReadText(const std::string& path) {
  std::ifstream in(path);
  std::stringstream out;
  out << in.rdbuf();
  return out.str();
}

// "ssh-ed25519 AAAA..." without the comment: the known_hosts form.
std::string TypeAndKey(const std::string& public_line) {
  const auto second_space = public_line.find(' ', public_line.find(' ') + 1);
  return public_line.substr(0, second_space);
}

}  // namespace

void AgentFixture::PollPause() { std::this_thread::sleep_for(kPollPause); }

void AgentFixture::SetUp() {
  // /run: root-owned and not world-writable all the way up (StrictModes).
  std::string pattern = "/run/drs-agent-it-XXXXXX";
  ASSERT_NE(mkdtemp(pattern.data()), nullptr) << "cannot create a workspace under /run";
  root_ = pattern;
  host_key_ = MakeKey("host-key/ssh_host_ed25519_key");
  // Secret volumes are commonly 0644; the agent must cope (it copies the key).
  chmod(host_key_.private_path.c_str(), 0644);
  other_host_key_ = MakeKey("other-host-key/ssh_host_ed25519_key");
  mover_ = MakeKey("keys/mover");
  other_mover_ = MakeKey("keys/other-mover");
  controller_ = MakeKey("keys/controller");
  expired_ = MakeKey("keys/expired");
  spare_ = MakeKey("keys/spare");
  ssh_port_ = FreePort();
  health_port_ = FreePort();
  ASSERT_NE(ssh_port_, 0);
  ASSERT_NE(health_port_, 0);
  const std::string host = "[127.0.0.1]:" + std::to_string(ssh_port_) + " ";
  WriteText(Path("known_hosts"), host + TypeAndKey(host_key_.public_line) + "\n");
  WriteText(Path("known_hosts_wrong"), host + TypeAndKey(other_host_key_.public_line) + "\n");
  MakeKubeletTree();
  WriteAccess(DefaultKeys());
}

void AgentFixture::TearDown() {
  if (agent_.has_value() && !agent_->reaped()) StopAgent();
  if (HasFailure() && !root_.empty()) std::cerr << "agent log:\n" << AgentLog();
  std::error_code ignored;
  if (!root_.empty()) fs::remove_all(root_, ignored);
}

Key AgentFixture::MakeKey(const std::string& name) const {
  const std::string path = Path(name);
  fs::create_directories(fs::path(path).parent_path());
  const ProcessResult made =
      Run({"ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-C", "test " + name, "-f", path});
  EXPECT_TRUE(made.Succeeded()) << made.stderr_data;
  std::string line = ReadText(path + ".pub");
  while (!line.empty() && line.back() == '\n') line.pop_back();
  return Key{.private_path = path, .public_line = line};
}

std::string AgentFixture::VolumeDir(const std::string& which) const {
  if (which == "shop") return Path("pods/uid-a/volumes/kubernetes.io~csi/pv-shop/mount");
  return Path("pods/uid-b/volumes/kubernetes.io~local-volume/pv-other");
}

void AgentFixture::MakeKubeletTree() {
  const std::string shop = VolumeDir("shop");
  WriteText(shop + "/file.txt", "hello from shop\n");
  WriteText(shop + "/dir/nested/deep.txt", "deep\n");
  fs::create_directories(shop + "/empty");
  // Workload-made symlinks: copied as links, never followed by the sender.
  WriteText(Path("outside/secret.txt"), "TOP SECRET\n", 0600);
  fs::create_symlink(Path("outside/secret.txt"), shop + "/escape");
  fs::create_symlink("file.txt", shop + "/rel");
  fs::create_hard_link(shop + "/file.txt", shop + "/hard");
  WriteText(VolumeDir("other") + "/logs.txt", "other namespace logs\n");
  // A kubelet volume directory that is a symlink out of the tree.
  fs::create_directories(Path("pods/uid-c/volumes/kubernetes.io~csi/pv-evil"));
  fs::create_directory_symlink(Path("outside"),
                               Path("pods/uid-c/volumes/kubernetes.io~csi/pv-evil/mount"));
}

nlohmann::json AgentFixture::DefaultKeys() const {
  const auto volume = [](const char* ns, const char* claim, const char* pv) {
    return nlohmann::json{{"namespace", ns}, {"claim", claim}, {"volumeName", pv}};
  };
  const auto mover = [&](const char* id, const Key& key, nlohmann::json volumes) {
    return nlohmann::json{
        {"id", id}, {"role", "mover"}, {"publicKey", key.public_line}, {"volumes", volumes}};
  };
  nlohmann::json expired =
      mover("mover/shop/0", expired_, nlohmann::json::array({volume("shop", "data", "pv-shop")}));
  expired["notAfter"] = "2020-01-01T00:00:00Z";
  return nlohmann::json::array(
      {{{"id", "controller/1"}, {"role", "controller"}, {"publicKey", controller_.public_line}},
       mover("mover/shop/1", mover_,
             nlohmann::json::array(
                 {volume("shop", "data", "pv-shop"), volume("shop", "evil", "pv-evil")})),
       mover("mover/other/1", other_mover_,
             nlohmann::json::array({volume("other", "logs", "pv-other")})),
       expired,
       mover("mover/shop/2", spare_, nlohmann::json::array({volume("shop", "data", "pv-shop")}))});
}

void AgentFixture::WriteAccess(const nlohmann::json& keys) {
  // The kubelet's Secret volume update: a new timestamped directory, then an
  // atomic swap of the ..data symlink; access.json points through it.
  const std::string generation = "..gen-" + std::to_string(++access_generation_);
  const nlohmann::json doc = {{"version", 1}, {"keys", keys}};
  WriteText(Path("access/" + generation + "/access.json"), doc.dump(2) + "\n");
  const std::string staged = Path("access/..data_tmp");
  fs::remove(staged);
  fs::create_directory_symlink(generation, staged);
  fs::rename(staged, Path("access/..data"));
  if (!fs::is_symlink(Path("access/access.json"))) {
    fs::create_symlink("..data/access.json", Path("access/access.json"));
  }
}

void AgentFixture::StartAgent() {
  UniqueFd log(open(Path("agent.log").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0600));
  ASSERT_TRUE(log.valid());
  const char* path_env = std::getenv("PATH");
  SpawnRequest request{
      .argv = {DRS_AGENT_BINARY, "run", "--listen-address=127.0.0.1",
               "--port=" + std::to_string(ssh_port_), "--host-key-dir=" + Path("host-key"),
               "--access-file=" + Path("access/access.json"), "--kubelet-pods-dir=" + Path("pods"),
               "--state-dir=" + Path("state"),
               "--health-address=127.0.0.1:" + std::to_string(health_port_), "--node-name=node-1",
               "--poll-interval=200ms"},
      .envp = {std::string("PATH=") + (path_env != nullptr ? path_env : "/usr/bin:/bin")},
      .stdout_fd = log.get(),
      .stderr_fd = log.get(),
  };
  auto child = ChildProcess::Spawn(request);
  ASSERT_TRUE(child.ok()) << child.error();
  agent_.emplace(std::move(child).value());
  ASSERT_TRUE(Eventually([&] { return HttpStatus("/readyz") == 200 || agent_->TryReap(); }));
  ASSERT_FALSE(agent_->reaped()) << "the agent exited:\n" << AgentLog();
  ASSERT_EQ(HttpStatus("/readyz"), 200);
}

int AgentFixture::StopAgent() {
  if (!agent_.has_value() || agent_->reaped()) return -1;
  ::kill(agent_->pid(), SIGTERM);
  if (!Eventually([&] { return agent_->TryReap(); })) {
    agent_->KillAndReap();
    return -1;
  }
  const int status = agent_->wait_status();
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

std::string AgentFixture::AgentLog() const { return ReadText(Path("agent.log")); }

int AgentFixture::HttpStatus(const std::string& path) const {
  httplib::Client client(kLocalhost, health_port_);
  client.set_connection_timeout(std::chrono::seconds(2));
  client.set_read_timeout(std::chrono::seconds(5));
  auto response = client.Get(path);
  return response ? response->status : 0;
}

std::vector<std::string> AgentFixture::SshOptions(const Key& key,
                                                  const std::string& known_hosts) const {
  return {"ssh",
          "-F",
          "/dev/null",  // nobody's ~/.ssh/config
          "-p",
          std::to_string(ssh_port_),
          "-i",
          key.private_path,
          "-o",
          "IdentitiesOnly=yes",
          "-o",
          "IdentityAgent=none",
          "-o",
          "BatchMode=yes",
          "-o",
          "StrictHostKeyChecking=yes",
          "-o",
          "UserKnownHostsFile=" + (known_hosts.empty() ? Path("known_hosts") : known_hosts),
          "-o",
          "GlobalKnownHostsFile=/dev/null",
          "-o",
          "ConnectTimeout=10"};
}

std::string AgentFixture::SshCommand(const Key& key, const std::string& known_hosts) const {
  std::string command;
  for (const std::string& word : SshOptions(key, known_hosts)) {
    command += (command.empty() ? "" : " ") + word;
  }
  return command;
}

ProcessResult AgentFixture::Ssh(const Key& key, const std::vector<std::string>& extra,
                                const std::string& known_hosts) const {
  std::vector<std::string> argv = SshOptions(key, known_hosts);
  argv.emplace_back("root@127.0.0.1");
  argv.insert(argv.end(), extra.begin(), extra.end());
  return Run(argv);
}

ProcessResult AgentFixture::Run(const std::vector<std::string>& argv) const {
  auto result = RunProcess({.argv = argv, .timeout = kClientTimeout}, {});
  EXPECT_TRUE(result.ok()) << result.error();
  return result.ok() ? std::move(result).value() : ProcessResult{};
}

ProcessResult AgentFixture::Pull(const Key& key, const std::string& logical,
                                 const std::string& dest,
                                 const std::vector<std::string>& extra_options) const {
  std::vector<std::string> argv = {"rsync", "-aHAX", "--numeric-ids"};
  argv.insert(argv.end(), extra_options.begin(), extra_options.end());
  argv.insert(argv.end(), {"-e", SshCommand(key), "root@127.0.0.1:" + logical, dest + "/"});
  return Run(argv);
}

}  // namespace drs::agent::test
