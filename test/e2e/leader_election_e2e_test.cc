// Two dr-syncer processes: exactly one leads; kill -9 of the leader hands
// the lease to the other within the lease duration; SIGTERM of the new
// leader exits cleanly and releases the lease at once.

#include <signal.h>

#include "e2e/e2e_env.h"

namespace drs::testing {
namespace {

class LeaderElectionE2ETest : public DrSyncerEnv {
 protected:
  std::string Holder() {
    auto lease = source_.dynamic->Get(kLeasesGvr, ns_, "dr-syncer-leader");
    if (!lease.ok()) return "";
    return lease->value("spec", nlohmann::json::object()).value("holderIdentity", "");
  }
  static bool Holds(const std::string& holder, const BackgroundProcess& p) {
    return holder.find("_" + std::to_string(p.pid()) + "_") != std::string::npos;
  }
};

TEST_F(LeaderElectionE2ETest, OneLeaderFailoverOnKillAndCleanRelease) {
  const std::vector<std::string> election = {"--leader-elect", "--leader-elect-lease-duration=4s",
                                             "--leader-elect-renew-deadline=3s",
                                             "--leader-elect-retry-period=500ms"};
  auto a = StartDrSyncer("leader-a", election);
  auto b = StartDrSyncer("leader-b", election);
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_TRUE(PollFor([&] { return !Holder().empty(); }, std::chrono::seconds(30)))
      << a.Log() << b.Log();
  const std::string first = Holder();
  const bool a_leads = Holds(first, a);
  ASSERT_TRUE(a_leads || Holds(first, b)) << "holder " << first << " is neither process";
  BackgroundProcess& leader = a_leads ? a : b;
  BackgroundProcess& follower = a_leads ? b : a;

  // Exactly one says so in its metrics.
  ASSERT_TRUE(PollFor(
      [&] {
        return MetricsPortFromLog(leader.Log()) > 0 && MetricsPortFromLog(follower.Log()) > 0;
      },
      std::chrono::seconds(10)));
  const std::string series = "leader_election_master_status{name=\"dr-syncer-leader\"}";
  EXPECT_TRUE(PollFor(
      [&] { return MetricValue(ScrapeMetrics(MetricsPortFromLog(leader.Log())), series) == 1; },
      std::chrono::seconds(10)));
  EXPECT_NE(MetricValue(ScrapeMetrics(MetricsPortFromLog(follower.Log())), series), 1);

  // kill -9: no release; the follower waits out the lease, then takes over.
  const auto killed = std::chrono::steady_clock::now();
  leader.Signal(SIGKILL);
  ASSERT_TRUE(PollFor([&] { return Holds(Holder(), follower); }, std::chrono::seconds(15)))
      << follower.Log();
  const double takeover =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - killed).count();
  RecordProperty("takeover_seconds", std::to_string(takeover));
  EXPECT_LT(takeover, 4.0 + 2 * 0.5 * 1.2 + 2.0) << "lease + two jittered retries + margin";

  // The new leader does the work: a RemoteCluster becomes Ready.
  PutKubeconfigSecret("dr-kc", DrKubeconfig());
  CreateRemoteCluster("dr", "dr-kc", "1s");
  EXPECT_TRUE(WaitCondition("dr", "Ready", "True", "Ready")) << follower.Log();

  // SIGTERM: clean exit, lease released for the next candidate.
  follower.Signal(SIGTERM);
  EXPECT_EQ(follower.Wait(std::chrono::seconds(10)), 0) << follower.Log();
  EXPECT_EQ(Holder(), "");
}

}  // namespace
}  // namespace drs::testing
