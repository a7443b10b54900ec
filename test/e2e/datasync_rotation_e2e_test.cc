// Key rotation on demand, end to end on the test bed (docs/data-sync-controller.md,
// "Keys"): a RemoteCluster's dr-syncer.io/rotate-keys annotation rotates its
// host, controller and mover keys while data sync runs. Syncs keep working
// (the next mover uses the new key); the old mover key, tried with the real
// rsync and ssh against the agent, still works during the overlap and is
// refused after it, and it leaves access.json.

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <vector>

#include "base/base64.h"
#include "base/rfc3339.h"
#include "base/subprocess.h"
#include "base/test_temp_dir.h"
#include "e2e/datasync_fixture.h"

namespace drs::testing {
namespace {

using nlohmann::json;

// Short enough to wait out in a test, long enough for the agents to roll to
// the new host key and a mover to run with the old key's successor.
constexpr auto kOverlap = std::chrono::seconds(45);
constexpr char kAccessDelay[] = "3s";
constexpr auto kAccessDelayDuration = std::chrono::seconds(3);

// A key ring as its Secret in the controller's namespace stores it.
struct StoredKeys {
  json ring;  // ring.json: lastSerial, keys[{serial, created, notAfter?, publicKey}]
  json data;  // the Secret's data (base64)

  const json* Key(std::int64_t serial) const {
    if (!ring.is_object() || !ring.contains("keys")) return nullptr;
    for (const auto& k : ring.at("keys")) {  // by reference: the pointer outlives the loop
      if (k.value("serial", std::int64_t{0}) == serial) return &k;
    }
    return nullptr;
  }
  std::int64_t ActiveSerial() const {
    std::int64_t active = 0;
    for (const auto& k : ring.value("keys", json::array())) {
      if (!k.contains("notAfter")) active = std::max(active, k.value("serial", std::int64_t{0}));
    }
    return active;
  }
  std::string PrivateKey(std::int64_t serial) const {
    auto bytes = Base64Decode(data.value("key-" + std::to_string(serial), ""));
    return bytes.ok() ? *bytes : "";
  }
};

Clock::WallTime Time(const std::string& rfc3339) {
  auto t = ParseRfc3339(rfc3339);
  EXPECT_TRUE(t.ok()) << rfc3339;
  return t.ok() ? *t : Clock::WallTime{};
}

class DataSyncRotationE2eTest : public DataSyncFixture {
 protected:
  // The ring of `role` (host, controller, mover) in the controller's
  // namespace; this test has one of each.
  StoredKeys Keys(const std::string& role) {
    auto secrets = source_.dynamic->List(kSecretsGvr, ns_,
                                         {.label_selector = "dr-syncer.io/key-role=" + role});
    if (!secrets.ok() || secrets->items.size() != 1) return {};
    const json& data = secrets->items.front().value("data", json::object());
    auto text = Base64Decode(data.value("ring.json", ""));
    return {text.ok() ? json::parse(*text, nullptr, false) : json(), data};
  }

  // access.json as published to the source cluster's agents.
  json Access() {
    auto secret = source_.dynamic->Get(kSecretsGvr, kAgentNamespace, "dr-syncer-agent-access");
    if (!secret.ok()) return json();
    auto text = Base64Decode(secret->value("data", json::object()).value("access.json", ""));
    return text.ok() ? json::parse(*text, nullptr, false) : json();
  }
  static const json* AccessKey(const json& access, const std::string& id) {
    if (!access.is_object() || !access.contains("keys")) return nullptr;
    for (const auto& k : access.at("keys")) {
      if (k.value("id", "") == id) return &k;
    }
    return nullptr;
  }
  std::string MoverKeyId(std::int64_t serial) const {
    return "mover/" + ns_ + "/app/" + std::to_string(serial);
  }

  // Every agent pod runs the host key `serial` and is Ready, one per node.
  bool AgentsRolledTo(std::int64_t host_serial) {
    auto pods = source_.dynamic->List(kPodsGvr, kAgentNamespace, {});
    if (!pods.ok() || pods->items.size() != 2) return false;
    for (const auto& p : pods->items) {
      if (kube::IsBeingDeleted(p) ||
          kube::Annotations(p)["dr-syncer.io/host-key-serial"] != std::to_string(host_serial)) {
        return false;
      }
      bool ready = false;
      for (const auto& c : p["status"].value("conditions", json::array())) {
        if (c.value("type", "") == "Ready") ready = c.value("status", "") == "True";
      }
      if (!ready) return false;
    }
    return true;
  }

  // The agent on the node that mounts the claim: its address and ssh port
  // (from the DaemonSet's args), as a mover would reach it.
  void FindAgent(std::string* address, int* port) {
    const json app = SourceAppPod();
    ASSERT_FALSE(app.is_null());
    const std::string node = app["spec"].value("nodeName", "");
    auto pods = source_.dynamic->List(kPodsGvr, kAgentNamespace, {});
    ASSERT_TRUE(pods.ok()) << pods.error();
    for (const auto& p : pods->items) {
      if (p["spec"].value("nodeName", "") == node && !kube::IsBeingDeleted(p)) {
        *address = p["status"].value("podIP", "");
      }
    }
    ASSERT_FALSE(address->empty()) << "no agent on " << node << "\n" << AgentObjects();
    auto ds = source_.dynamic->Get(kDaemonSetsGvr, kAgentNamespace, "dr-syncer-agent");
    ASSERT_TRUE(ds.ok()) << ds.error();
    const std::string flag = "--port=";
    for (const auto& arg : (*ds)["spec"]["template"]["spec"]["containers"][0]["args"]) {
      const std::string a = arg.get<std::string>();
      if (a.starts_with(flag)) *port = std::stoi(a.substr(flag.size()));
    }
    ASSERT_GT(*port, 0) << ds->dump();
  }

  // known_hosts pinning every live host key of the cluster at the agent's
  // address, as movers get it.
  std::string KnownHosts(const std::string& address, int port) {
    std::string lines;
    const auto now = std::chrono::system_clock::now();
    for (const auto& k : Keys("host").ring.value("keys", json::array())) {
      if (k.contains("notAfter") && Time(k.value("notAfter", "")) <= now) continue;
      lines += "[" + address + "]:" + std::to_string(port) + " " + k.value("publicKey", "") + "\n";
    }
    return lines;
  }

  // The real rsync pulling the claim over ssh with `identity`, strict host
  // key checking against `known_hosts`, and nothing from ssh's own config.
  ProcessResult Pull(const std::string& identity, const std::string& known_hosts,
                     const std::string& address, int port, const std::string& dest) {
    const std::string ssh = "ssh -F /dev/null -i " + identity +
                            " -o IdentitiesOnly=yes -o BatchMode=yes"
                            " -o StrictHostKeyChecking=yes -o UserKnownHostsFile=" +
                            known_hosts + " -o GlobalKnownHostsFile=/dev/null" +
                            " -o ConnectTimeout=10 -p " + std::to_string(port);
    auto run = RunProcess(
        {.argv = {"rsync", "-a", "-e", ssh,
                  "root@" + address + ":pvc/" + app_ns_ + "/" + kDataSyncClaim + "/", dest + "/"},
         .timeout = std::chrono::seconds(60)},
        {});
    EXPECT_TRUE(run.ok()) << run.error();
    return run.ok() ? *run : ProcessResult{};
  }

  std::vector<std::string> EventReasons(const std::string& object) {
    std::vector<std::string> reasons;
    auto events = source_.dynamic->List({"", "v1", "events"}, ns_,
                                        {.field_selector = "involvedObject.name=" + object});
    if (events.ok()) {
      for (const auto& e : events->items) reasons.push_back(e.value("reason", ""));
    }
    return reasons;
  }

  // The key id the newest mover Job of the claim used.
  std::string NewestMoverKeyId() {
    auto jobs = dr_.dynamic->List(kJobsGvr, dr_ns_, {});
    if (!jobs.ok()) return "";
    std::string newest_run, key_id;
    for (const auto& j : jobs->items) {
      const std::string run = kube::Labels(j)["dr-syncer.io/run"];
      if (run.size() > newest_run.size() || (run.size() == newest_run.size() && run > newest_run)) {
        newest_run = run;
        key_id = kube::Annotations(j)["dr-syncer.io/key-id"];
      }
    }
    return key_id;
  }
};

TEST_F(DataSyncRotationE2eTest, RotationKeepsSyncsWorkingAndTheOldKeyStopsAfterTheOverlap) {
  auto syncer =
      StartDrSyncer("datasync-rotation",
                    {kAgentImageFlag, std::string("--data-sync-access-delay=") + kAccessDelay,
                     "--key-rotation-overlap=" + std::to_string(kOverlap.count()) + "s"});
  EnablePvcSync();
  ASSERT_TRUE(WaitCondition("src", "AgentsReady", "True", "Ready", std::chrono::seconds(120)))
      << RemoteClusterStatus("src") << "\n"
      << AgentObjects() << "\n"
      << syncer.Log();
  Write(SourceData() / "a.txt", "before the rotation\n");
  CreateSourceApp();
  if (HasFatalFailure()) return;
  CreateReplication({{"pvcConfig", {{"syncData", true}}}});
  ASSERT_TRUE(SyncNow("first")) << syncer.Log();
  ASSERT_TRUE(WaitSynced("", std::chrono::seconds(180))) << ClaimStatus().dump() << "\n"
                                                         << syncer.Log();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  const std::string first_sync = ClaimStatus().value("lastSyncTime", "");

  // The keys before the rotation; the mover's private key is what a thief
  // would hold.
  const StoredKeys mover_before = Keys("mover");
  const std::int64_t old_serial = mover_before.ActiveSerial();
  ASSERT_GT(old_serial, 0) << mover_before.ring.dump();
  EXPECT_EQ(NewestMoverKeyId(), MoverKeyId(old_serial));
  const std::string old_private = mover_before.PrivateKey(old_serial);
  ASSERT_NE(old_private.find("OPENSSH PRIVATE KEY"), std::string::npos);
  const std::int64_t old_host = Keys("host").ActiveSerial();
  const std::int64_t old_controller = Keys("controller").ActiveSerial();
  ASSERT_GT(old_host, 0);
  ASSERT_GT(old_controller, 0);

  // Rotate on demand.
  auto patched = source_.dynamic->Patch(
      kRemoteClustersGvr, ns_, "src", kubeclient::PatchType::kMerge,
      {{"metadata", {{"annotations", {{"dr-syncer.io/rotate-keys", "leak-1"}}}}}});
  ASSERT_TRUE(patched.ok()) << patched.error();
  ASSERT_TRUE(PollFor(
      [&] {
        return RemoteCluster("src")["status"].value("lastHandledKeyRotation", "") == "leak-1";
      },
      std::chrono::seconds(30)))
      << RemoteClusterStatus("src") << "\n"
      << syncer.Log();
  const Clock::WallTime rotated_at =
      Time(RemoteCluster("src")["status"].value("lastKeyRotationTime", ""));
  EXPECT_TRUE(PollFor(
      [&] {
        auto reasons = EventReasons("src");
        return std::find(reasons.begin(), reasons.end(), "KeysRotated") != reasons.end();
      },
      std::chrono::seconds(30)))
      << "no KeysRotated Event";

  // Every ring has a new active key; the old ones retire after the overlap.
  const StoredKeys mover = Keys("mover");
  const std::int64_t new_serial = mover.ActiveSerial();
  EXPECT_GT(new_serial, old_serial);
  EXPECT_GT(Keys("host").ActiveSerial(), old_host);
  EXPECT_GT(Keys("controller").ActiveSerial(), old_controller);
  ASSERT_NE(mover.Key(old_serial), nullptr) << mover.ring.dump();
  const Clock::WallTime old_not_after = Time(mover.Key(old_serial)->value("notAfter", ""));
  EXPECT_LE(old_not_after, rotated_at + kOverlap);
  EXPECT_GE(old_not_after, rotated_at + kOverlap - std::chrono::seconds(5));

  // access.json lists the new key and the old one with its notAfter.
  EXPECT_TRUE(PollFor(
      [&] {
        const json access = Access();
        const json* old_key = AccessKey(access, MoverKeyId(old_serial));
        return AccessKey(access, MoverKeyId(new_serial)) != nullptr && old_key != nullptr &&
               old_key->contains("notAfter");
      },
      std::chrono::seconds(30)))
      << Access().dump(2);
  EXPECT_EQ(Time(AccessKey(Access(), MoverKeyId(old_serial))->value("notAfter", "")),
            old_not_after);

  // The agents roll to the new host key (and read the new access.json).
  const std::int64_t new_host = Keys("host").ActiveSerial();
  ASSERT_TRUE(PollFor([&] { return AgentsRolledTo(new_host); }, std::chrono::seconds(120)))
      << AgentObjects() << "\n"
      << syncer.Log();

  // The old key still works during the overlap, with the real rsync and ssh.
  std::string address;
  int port = 0;
  FindAgent(&address, &port);
  if (HasFatalFailure()) return;
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const std::string old_identity = dir.WriteFile("old_id_ed25519", old_private, 0600);
  const std::string new_identity =
      dir.WriteFile("new_id_ed25519", mover.PrivateKey(new_serial), 0600);
  const std::string known_hosts = dir.WriteFile("known_hosts", KnownHosts(address, port), 0600);
  std::filesystem::create_directories(dir.Join("old-during"));
  const ProcessResult during =
      Pull(old_identity, known_hosts, address, port, dir.Join("old-during"));
  ASSERT_LT(std::chrono::system_clock::now(), old_not_after)
      << "the overlap ended before the old key was tried: raise kOverlap";
  EXPECT_TRUE(during.Succeeded()) << during.exit_code << " " << during.stderr_data;
  EXPECT_EQ(ReadAll(dir.Join("old-during/a.txt")), "before the rotation\n");

  // Data changes and syncs again: the mover runs with the new key.
  ASSERT_TRUE(PollFor(
      [&] {
        // The controller uses a new key only once agents can know it (the
        // stored time is cut to whole seconds: one more covers that).
        return std::chrono::system_clock::now() >=
               Time(mover.Key(new_serial)->value("created", "")) + kAccessDelayDuration +
                   std::chrono::seconds(1);
      },
      std::chrono::seconds(30)));
  Write(SourceData() / "a.txt", "after the rotation\n");
  Write(SourceData() / "b.txt", "new after the rotation\n");
  ASSERT_TRUE(SyncNow("second")) << syncer.Log();
  ASSERT_TRUE(WaitSynced(first_sync, std::chrono::seconds(120))) << ClaimStatus().dump() << "\n"
                                                                 << syncer.Log();
  EXPECT_EQ(Tree(DrData()), Tree(SourceData()));
  EXPECT_EQ(NewestMoverKeyId(), MoverKeyId(new_serial));

  // After the overlap the agent refuses the old key: the gate from its
  // notAfter on, sshd (expiry-time) from the second after; then the
  // controller drops it from access.json and sshd no longer knows it.
  std::filesystem::create_directories(dir.Join("old-after"));
  ProcessResult after;
  ASSERT_TRUE(PollFor(
      [&] {
        after = Pull(old_identity, known_hosts, address, port, dir.Join("old-after"));
        return !after.Succeeded();
      },
      std::chrono::duration_cast<std::chrono::seconds>(old_not_after -
                                                       std::chrono::system_clock::now()) +
          std::chrono::seconds(60)))
      << "the old key still works after the overlap";
  EXPECT_GE(std::chrono::system_clock::now(), old_not_after) << "refused during the overlap";
  const std::string gate_refusal = "refused: key \"" + MoverKeyId(old_serial) + "\" expired at ";
  EXPECT_TRUE(after.stderr_data.find(gate_refusal) != std::string::npos ||
              after.stderr_data.find("Permission denied (publickey)") != std::string::npos)
      << after.stderr_data;
  EXPECT_TRUE(PollFor([&] { return AccessKey(Access(), MoverKeyId(old_serial)) == nullptr; },
                      std::chrono::seconds(30)))
      << Access().dump(2);
  EXPECT_TRUE(PollFor(
      [&] {
        after = Pull(old_identity, known_hosts, address, port, dir.Join("old-after"));
        return after.stderr_data.find("Permission denied (publickey)") != std::string::npos;
      },
      std::chrono::seconds(30)))
      << "sshd does not refuse the old key: " << after.exit_code << " " << after.stderr_data;
  // The new key works: the refusal is the old key's alone.
  std::filesystem::create_directories(dir.Join("new"));
  const ProcessResult with_new = Pull(new_identity, known_hosts, address, port, dir.Join("new"));
  EXPECT_TRUE(with_new.Succeeded()) << with_new.exit_code << " " << with_new.stderr_data;
  EXPECT_EQ(ReadAll(dir.Join("new/a.txt")), "after the rotation\n");
  // Later reconciles of the same value rotated nothing more, and said nothing.
  EXPECT_EQ(Keys("mover").ActiveSerial(), new_serial);
  EXPECT_EQ(Keys("host").ActiveSerial(), new_host);
  const auto reasons = EventReasons("src");
  EXPECT_EQ(std::count(reasons.begin(), reasons.end(), "KeyRotationSkipped"), 0);
  // Private keys never reach the log.
  EXPECT_EQ(syncer.Log().find("PRIVATE KEY"), std::string::npos);
}

}  // namespace
}  // namespace drs::testing
