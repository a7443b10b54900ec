#pragma once
// AgentFixture: one real `dr-syncer-agent run` with the real sshd on
// 127.0.0.1 and free ports, over a private workspace made for one test:
// Ed25519 keys from ssh-keygen, a pinned known_hosts, a kubelet pods tree
// with a CSI volume (shop/data) and an in-tree one (other/logs), a volume
// whose kubelet directory is a symlink out of the tree (shop/evil), and an
// access.json laid out like a Secret volume (access.json -> ..data/access.json,
// ..data -> a timestamped directory) so updates swap a symlink as the
// kubelet does. Clients are the real ssh, scp, sftp and rsync.
//
// The workspace lives under /run, not /tmp: sshd's StrictModes refuses keys
// below a world-writable directory.
//
// Thread-safety: not thread-safe; one test owns it.

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "base/child_process.h"
#include "base/subprocess.h"

namespace drs::agent::test {

inline constexpr auto kPollDeadline = std::chrono::seconds(20);

struct Key {
  std::string private_path;
  std::string public_line;  // "ssh-ed25519 AAAA... comment"
};

class AgentFixture : public ::testing::Test {
 protected:
  void SetUp() override;
  void TearDown() override;

  // Workspace paths.
  std::string Path(const std::string& relative) const { return root_ + "/" + relative; }
  std::string VolumeDir(const std::string& which) const;  // "shop", "other"

  // The access.json entries the agent starts with; tests may change them and
  // call WriteAccess (before StartAgent, or while it runs).
  nlohmann::json DefaultKeys() const;
  void WriteAccess(const nlohmann::json& keys);

  void StartAgent();
  // SIGTERM, then the exit status (-1 if it did not exit within the deadline).
  int StopAgent();
  std::string AgentLog() const;
  pid_t agent_pid() const { return agent_->pid(); }

  // ssh argv with its options, before the destination. known_hosts as above.
  std::vector<std::string> SshOptions(const Key& key, const std::string& known_hosts) const;
  // "ssh <options>" as one string, for rsync -e. known_hosts: the pinned
  // file to use (default: the right one).
  std::string SshCommand(const Key& key, const std::string& known_hosts = "") const;
  ProcessResult Ssh(const Key& key, const std::vector<std::string>& extra,
                    const std::string& known_hosts = "") const;
  ProcessResult Run(const std::vector<std::string>& argv) const;
  // rsync -aHAX --numeric-ids from pvc/<logical> into `dest` with `key`.
  ProcessResult Pull(const Key& key, const std::string& logical, const std::string& dest,
                     const std::vector<std::string>& extra_options = {}) const;

  // Polls `condition` until it holds or kPollDeadline passes.
  template <typename F>
  static bool Eventually(F condition) {
    const auto deadline = std::chrono::steady_clock::now() + kPollDeadline;
    while (std::chrono::steady_clock::now() < deadline) {
      if (condition()) return true;
      PollPause();
    }
    return condition();
  }
  // GET on the health port; 0 when nothing answered.
  int HttpStatus(const std::string& path) const;

  Key host_key_;
  Key other_host_key_;  // never installed: for the wrong-host-key case
  Key mover_;           // reads shop/data (CSI) and shop/evil
  Key other_mover_;     // reads other/logs (in-tree)
  Key controller_;
  Key expired_;  // a mover key for shop/data whose notAfter has passed
  Key spare_;    // a mover key for shop/data that tests remove
  std::uint16_t ssh_port_ = 0;
  std::uint16_t health_port_ = 0;

 private:
  static void PollPause();
  Key MakeKey(const std::string& name) const;
  void MakeKubeletTree();

  std::string root_;
  int access_generation_ = 0;
  std::optional<ChildProcess> agent_;
};

}  // namespace drs::agent::test
