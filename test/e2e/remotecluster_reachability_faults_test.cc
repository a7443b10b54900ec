// Stopping the dr cluster's API server turns its RemoteCluster unreachable
// within the probe interval; bringing it back makes it Ready again, with no
// restart of dr-syncer. Runs alone: it stops the shared bed's `dr` API server.

#include <signal.h>

#include "e2e/e2e_env.h"

namespace drs::testing {
namespace {

class ReachabilityFaultsTest : public DrSyncerEnv {};

TEST_F(ReachabilityFaultsTest, UnreachableWhileTheApiServerIsDownThenRecovers) {
  PutKubeconfigSecret("dr-kc", DrKubeconfig());
  CreateRemoteCluster("dr", "dr-kc", "2s");
  auto syncer = StartDrSyncer("reach");
  ASSERT_TRUE(syncer.ok());
  ASSERT_TRUE(WaitCondition("dr", "Ready", "True", "Ready")) << syncer.Log();

  RunTestbed({"stop", "dr", "apiserver", "--kill"});
  const auto stopped = std::chrono::steady_clock::now();
  const bool noticed =
      WaitCondition("dr", "Ready", "False", "ConnectionFailed", std::chrono::seconds(20));
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - stopped).count();
  const auto reachable = ConditionOf("dr", "Reachable");
  RunTestbed({"start", "dr", "apiserver"});  // always bring it back for later tests
  ASSERT_TRUE(noticed) << syncer.Log();
  RecordProperty("seconds_to_unreachable", std::to_string(seconds));
  EXPECT_LT(seconds, 2.0 + 2.0) << "within one probe interval plus margin";
  EXPECT_EQ(reachable, std::make_pair(std::string("False"), std::string("ConnectionFailed")));

  EXPECT_TRUE(WaitCondition("dr", "Ready", "True", "Ready", std::chrono::seconds(60)))
      << syncer.Log();
  syncer.Signal(SIGTERM);
  EXPECT_EQ(syncer.Wait(std::chrono::seconds(10)), 0) << syncer.Log();
}

}  // namespace
}  // namespace drs::testing
