// Lease leader election against a real kube-apiserver: exactly one of two
// candidates leads; a graceful stop releases the lease so the other takes
// over at once; a foreign lease is waited out by local observation however
// old its renewTime; a usurped lease ends the term; a leader cut off from
// the API server stops within renewDeadline, before its successor starts;
// and, with candidates as separate processes, kill -9 of the leader hands
// over within the lease duration while SIGTERM exits cleanly and releases.

#include <signal.h>
#include <sys/wait.h>

#include <chrono>
#include <cstdint>
#include <cstdio>
#include <string>
#include <thread>
#include <vector>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/test_temp_dir.h"
#include "integration/leader_election_candidates.h"
#include "kubeclient/kubeconfig.h"
#include "runtime/leader_election.h"
#include "runtime/leader_election_record.h"
#include "support/clients.h"
#include "support/tcp_proxy.h"

namespace drs::testing {
namespace {

using runtime::LeaderElectionConfig;
using runtime::LeaderElectionRecord;
using runtime::RecordFromLease;
using std::chrono::milliseconds;
using std::chrono::seconds;
using ::testing::HasSubstr;

// Generous bounds for things that should take a second or two on a busy box.
constexpr auto kSettleTimeout = seconds(30);
constexpr const char* kLeaseName = "drs-leader";

class LeaderElectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    ASSERT_TRUE(Testbed::Load(&bed_, &error)) << error;
    c_ = ClientsFor(bed_.Cluster("source").kubeconfig);
    ASSERT_NE(c_.dynamic, nullptr);
    ns_ = UniqueNamespace("le");
    CreateNamespace(c_, ns_);
  }

  LeaderElectionConfig Config(const std::string& identity, seconds lease, milliseconds renew,
                              milliseconds retry) const {
    return {.lease_namespace = ns_,
            .lease_name = kLeaseName,
            .identity = identity,
            .lease_duration = lease,
            .renew_deadline = renew,
            .retry_period = retry};
  }

  // The Lease as stored now (the test fails if it cannot be read).
  LeaderElectionRecord Lease() {
    auto lease = c_.dynamic->Get(runtime::kLeases, ns_, kLeaseName);
    EXPECT_TRUE(lease.ok()) << lease.error();
    return lease.ok() ? RecordFromLease(*lease) : LeaderElectionRecord{};
  }
  // Clients that reach the source API server through `proxy`, with the
  // default retry policy: the renew deadline must cut retries short too.
  ClusterClients ViaProxy(const TcpProxy& proxy) {
    auto config = kubeclient::LoadKubeconfigFile(bed_.Cluster("source").kubeconfig, "");
    EXPECT_TRUE(config.ok());
    config->server = "https://127.0.0.1:" + std::to_string(proxy.port());
    ClusterClients c;
    auto rest = kubeclient::RestClient::Create(std::move(config).value(), RealClock::Get());
    EXPECT_TRUE(rest.ok());
    c.rest = std::move(rest).value();
    c.dynamic = std::make_unique<kubeclient::DynamicClient>(*c.rest);
    return c;
  }
  std::uint16_t SourcePort() const {
    const auto& server = bed_.Cluster("source").server;
    return static_cast<std::uint16_t>(std::stoi(server.substr(server.rfind(':') + 1)));
  }

  std::string RawHolder() {
    auto lease = c_.dynamic->Get(runtime::kLeases, ns_, kLeaseName);
    if (!lease.ok()) return "<" + lease.error().ToString() + ">";
    return lease->at("spec").value("holderIdentity", std::string("<absent>"));
  }

  Testbed bed_;
  ClusterClients c_;
  std::string ns_;
};

TEST_F(LeaderElectionTest, ExactlyOneOfTwoLeadsAndAGracefulStopHandsOverAtOnce) {
  // A long lease: a hand-over well inside it can only come from the release.
  const seconds lease(10);
  Candidate a(*c_.dynamic, Config("cand-a", lease, milliseconds(6000), milliseconds(500)));
  Candidate b(*c_.dynamic, Config("cand-b", lease, milliseconds(6000), milliseconds(500)));
  a.Start();
  b.Start();
  ASSERT_TRUE(
      PollUntil([&] { return a.elector().IsLeader() || b.elector().IsLeader(); }, kSettleTimeout));
  Candidate& leader = a.elector().IsLeader() ? a : b;
  Candidate& follower = &leader == &a ? b : a;
  ASSERT_TRUE(PollUntil([&] { return follower.elector().GetLeader() == leader.identity(); },
                        kSettleTimeout));
  // Several renewals and acquire attempts later, still exactly one leads.
  const auto watch_until = SteadyClock::now() + seconds(2);
  while (SteadyClock::now() < watch_until) {
    ASSERT_TRUE(leader.elector().IsLeader());
    ASSERT_FALSE(follower.elector().IsLeader());
    std::this_thread::sleep_for(kPollInterval);
  }
  EXPECT_EQ(Lease().holder_identity, leader.identity());
  EXPECT_EQ(leader.started(), 1);
  EXPECT_EQ(follower.started(), 0);
  EXPECT_THAT(follower.new_leaders(), ::testing::ElementsAre(leader.identity()));

  const auto stopped_at = SteadyClock::now();
  leader.Stop();
  EXPECT_TRUE(leader.run_status().ok()) << leader.run_status().error();
  EXPECT_TRUE(leader.term_token_stopped());
  EXPECT_EQ(leader.stopped(), 1);
  EXPECT_FALSE(leader.elector().IsLeader());
  ASSERT_TRUE(PollUntil([&] { return follower.elector().IsLeader(); }, lease));
  const double takeover = SecondsSince(stopped_at);
  std::printf("graceful hand-over took %.3f s (lease %lld s)\n", takeover,
              static_cast<long long>(lease.count()));
  EXPECT_LT(takeover, static_cast<double>(lease.count()) / 2);

  const LeaderElectionRecord after = Lease();
  EXPECT_EQ(after.holder_identity, follower.identity());
  EXPECT_EQ(after.lease_duration_seconds, lease.count());
  EXPECT_EQ(after.lease_transitions, 1);  // created by one, taken over by the other
  ASSERT_TRUE(after.acquire_time.has_value() && after.renew_time.has_value());
  EXPECT_LE(*after.acquire_time, *after.renew_time);

  follower.Stop();
  EXPECT_EQ(RawHolder(), "");
  EXPECT_EQ(Lease().lease_duration_seconds, 1);
  EXPECT_EQ(follower.stopped(), 1);
}

TEST_F(LeaderElectionTest, ForeignLeaseIsWaitedOutByLocalObservationNotItsRenewTime) {
  // A holder whose clock is decades behind ours: by renewTime it expired long
  // ago, yet it must be given its full duration from when we first see it.
  const std::int64_t foreign_seconds = 3;
  const LeaderElectionRecord ghost{.holder_identity = "ghost",
                                   .lease_duration_seconds = foreign_seconds,
                                   .acquire_time = Clock::WallTime{},
                                   .renew_time = Clock::WallTime{},
                                   .lease_transitions = 4};
  ASSERT_TRUE(
      c_.dynamic->Create(runtime::kLeases, ns_, runtime::NewLease(ns_, kLeaseName, ghost)).ok());
  Candidate c(*c_.dynamic, Config("patient", seconds(4), milliseconds(3000), milliseconds(250)));
  const auto started_at = SteadyClock::now();
  c.Start();
  ASSERT_TRUE(PollUntil([&] { return c.elector().IsLeader(); }, kSettleTimeout));
  const double waited = SecondsSince(started_at);
  std::printf("foreign lease of %lld s taken after %.3f s\n",
              static_cast<long long>(foreign_seconds), waited);
  EXPECT_GE(waited, static_cast<double>(foreign_seconds));
  EXPECT_LT(waited, static_cast<double>(foreign_seconds) + 3.0);
  EXPECT_EQ(c.new_leaders(), (std::vector<std::string>{"ghost", "patient"}));
  const LeaderElectionRecord taken = Lease();
  EXPECT_EQ(taken.holder_identity, "patient");
  EXPECT_EQ(taken.lease_transitions, 5);
  c.Stop();
}

TEST_F(LeaderElectionTest, LeaseTakenBehindTheLeadersBackEndsTheTerm) {
  Candidate c(*c_.dynamic, Config("victim", seconds(4), milliseconds(3000), milliseconds(250)));
  c.Start();
  ASSERT_TRUE(PollUntil([&] { return c.elector().IsLeader(); }, kSettleTimeout));
  auto lease = c_.dynamic->Get(runtime::kLeases, ns_, kLeaseName);
  ASSERT_TRUE(lease.ok()) << lease.error();
  (*lease)["spec"]["holderIdentity"] = "usurper";
  ASSERT_TRUE(c_.dynamic->Update(runtime::kLeases, ns_, *lease).ok());

  ASSERT_TRUE(PollUntil([&] { return c.run_returned(); }, kSettleTimeout));
  const Status status = c.run_status();
  ASSERT_FALSE(status.ok());
  EXPECT_EQ(status.error().code(), ErrorCode::kUnavailable);
  EXPECT_THAT(status.error().message(), HasSubstr(ns_ + "/" + kLeaseName));
  EXPECT_FALSE(c.elector().IsLeader());
  EXPECT_TRUE(c.term_token_stopped());
  EXPECT_EQ(c.stopped(), 1);
  // A lost term does not release: the lease is the usurper's.
  EXPECT_EQ(RawHolder(), "usurper");
}

TEST_F(LeaderElectionTest, UnreachableApiEndsTheTermWithinRenewDeadlineBeforeAnyoneTakesOver) {
  const seconds lease(4);
  const milliseconds renew(2000);
  const milliseconds retry(250);
  TcpProxy proxy(SourcePort());
  ClusterClients partitioned = ViaProxy(proxy);
  ASSERT_NE(partitioned.dynamic, nullptr);
  Candidate leader(*partitioned.dynamic, Config("cut-off", lease, renew, retry));
  leader.Start();
  ASSERT_TRUE(PollUntil([&] { return leader.elector().IsLeader(); }, kSettleTimeout));
  Candidate successor(*c_.dynamic, Config("successor", lease, renew, retry));
  successor.Start();
  ASSERT_TRUE(
      PollUntil([&] { return successor.elector().GetLeader() == "cut-off"; }, kSettleTimeout));

  // Bytes stop flowing but connections stay open: requests hang, not fail.
  const auto stalled_at = SteadyClock::now();
  proxy.SetStalled(true);
  ASSERT_TRUE(PollUntil([&] { return leader.term_token_stopped(); }, kSettleTimeout));
  const double term_end = SecondsSince(stalled_at);
  // The successor must not have started while the old term still ran.
  EXPECT_FALSE(successor.elector().IsLeader());
  ASSERT_TRUE(PollUntil([&] { return successor.elector().IsLeader(); }, kSettleTimeout));
  const double takeover = SecondsSince(stalled_at);
  std::printf(
      "stalled leader stopped after %.3f s (renew deadline %.1f s); successor took over "
      "after %.3f s (lease %lld s)\n",
      term_end, std::chrono::duration<double>(renew).count(), takeover,
      static_cast<long long>(lease.count()));
  // Counted from the start of the last successful renewal, before the stall.
  EXPECT_LT(term_end, std::chrono::duration<double>(renew).count() + 0.5);
  EXPECT_GT(takeover, term_end);
  // Run gives up without waiting for the hung requests to time out.
  ASSERT_TRUE(PollUntil([&] { return leader.run_returned(); }, renew));
  EXPECT_EQ(leader.run_status().error().code(), ErrorCode::kUnavailable);
  EXPECT_EQ(leader.stopped(), 1);
  successor.Stop();
}

TEST_F(LeaderElectionTest, SeparateProcessesKillNineHandsOverAndSigtermReleases) {
  test::TempDir dir;
  ASSERT_TRUE(dir.ok());
  const seconds lease(4);
  const milliseconds retry(500);
  const std::vector<std::string> args = {"--kubeconfig=" + bed_.Cluster("source").kubeconfig,
                                         "--namespace=" + ns_,
                                         "--name=" + std::string(kLeaseName),
                                         "--lease-duration-s=4",
                                         "--renew-deadline-ms=3000",
                                         "--retry-period-ms=500"};
  ElectorProcess a(DRS_LEADER_ELECTOR_MAIN, dir, "proc-a", args);
  ElectorProcess b(DRS_LEADER_ELECTOR_MAIN, dir, "proc-b", args);

  const std::string started_a = "started-leading proc-a";
  const std::string started_b = "started-leading proc-b";
  ASSERT_TRUE(PollUntil([&] { return a.Says(started_a) || b.Says(started_b); }, kSettleTimeout))
      << a.Transcript() << b.Transcript();
  ElectorProcess& leader = a.Says(started_a) ? a : b;
  ElectorProcess& survivor = &leader == &a ? b : a;
  const std::string survivor_started = "started-leading " + survivor.identity();
  ASSERT_FALSE(survivor.Says(survivor_started)) << a.Transcript() << b.Transcript();
  ASSERT_TRUE(
      PollUntil([&] { return survivor.Says("new-leader " + leader.identity()); }, kSettleTimeout))
      << survivor.Transcript();
  EXPECT_EQ(Lease().holder_identity, leader.identity());

  // A crash: no release, so the survivor must wait the lease out.
  const auto killed_at = SteadyClock::now();
  leader.child().KillAndReap();
  // Worst case: the survivor saw the leader's last renewal up to one
  // jittered retry after the kill, and notices expiry up to one more later.
  const auto jittered_retry =
      std::chrono::duration_cast<milliseconds>(retry * (1.0 + runtime::kJitterFactor));
  const auto bound = lease + 2 * jittered_retry + seconds(1);
  ASSERT_TRUE(PollUntil([&] { return survivor.Says(survivor_started); }, lease + kSettleTimeout))
      << survivor.Transcript();
  const double takeover = SecondsSince(killed_at);
  std::printf("takeover after kill -9 took %.3f s (lease %lld s, bound %.1f s)\n", takeover,
              static_cast<long long>(lease.count()), std::chrono::duration<double>(bound).count());
  EXPECT_LT(takeover, std::chrono::duration<double>(bound).count()) << survivor.Transcript();
  const LeaderElectionRecord taken = Lease();
  EXPECT_EQ(taken.holder_identity, survivor.identity());
  EXPECT_EQ(taken.lease_transitions, 1);

  // A graceful stop: exit 0 after releasing.
  ASSERT_EQ(::kill(survivor.child().pid(), SIGTERM), 0);
  ASSERT_TRUE(PollUntil([&] { return survivor.child().TryReap(); }, seconds(10)))
      << survivor.Transcript();
  const int status = survivor.child().wait_status();
  ASSERT_TRUE(WIFEXITED(status)) << survivor.Transcript();
  EXPECT_EQ(WEXITSTATUS(status), 0) << survivor.Transcript();
  EXPECT_TRUE(survivor.Says("stopped-leading " + survivor.identity())) << survivor.Transcript();
  EXPECT_EQ(RawHolder(), "");
  EXPECT_EQ(Lease().lease_duration_seconds, 1);
}

}  // namespace
}  // namespace drs::testing
