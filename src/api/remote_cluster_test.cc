#include "api/remote_cluster.h"

#include <functional>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "base/rfc3339.h"

namespace drs::api {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;
using ::testing::HasSubstr;

json Minimal() {
  return json::parse(R"({
    "apiVersion": "dr-syncer.io/v1alpha1", "kind": "RemoteCluster",
    "metadata": {"name": "prod", "namespace": "dr-system", "uid": "u-1", "generation": 4,
                 "resourceVersion": "77", "finalizers": ["dr-syncer.io/cleanup"],
                 "labels": {"a": "b"}},
    "spec": {"kubeconfigSecretRef": {"name": "prod-kubeconfig"}}
  })");
}

TEST(RemoteClusterTest, MinimalObjectGetsTheSchemaDefaults) {
  auto rc = RemoteClusterFromJson(Minimal());
  ASSERT_TRUE(rc.ok()) << rc.error();
  EXPECT_EQ(rc->metadata.name, "prod");
  EXPECT_EQ(rc->metadata.ns, "dr-system");
  EXPECT_EQ(rc->metadata.uid, "u-1");
  EXPECT_EQ(rc->metadata.generation, 4);
  EXPECT_EQ(rc->metadata.resource_version, "77");
  EXPECT_THAT(rc->metadata.finalizers, ::testing::ElementsAre("dr-syncer.io/cleanup"));
  EXPECT_FALSE(rc->metadata.being_deleted);
  EXPECT_EQ(rc->metadata.labels.at("a"), "b");

  const RemoteClusterSpec& s = rc->spec;
  EXPECT_EQ(s.kubeconfig_secret_ref.name, "prod-kubeconfig");
  EXPECT_EQ(s.kubeconfig_secret_ref.ns, "dr-system");  // the object's own namespace
  EXPECT_EQ(s.kubeconfig_secret_ref.key, "kubeconfig");
  EXPECT_EQ(s.context, "");
  EXPECT_EQ(s.qps, 50);
  EXPECT_EQ(s.burst, 100);
  EXPECT_EQ(s.probe_interval, seconds(30));
  EXPECT_FALSE(s.pvc_sync.enabled);
  EXPECT_EQ(s.pvc_sync.agent.ssh_port, 2222);
  EXPECT_TRUE(s.pvc_sync.agent.host_network);
  EXPECT_EQ(s.pvc_sync.key_rotation_interval, hours(720));
  EXPECT_TRUE(Validate(s).ok());
  EXPECT_EQ(rc->status, RemoteClusterStatus{});
}

// What the API server stores for Minimal() once its defaults are applied
// (the namespace is ours: the server cannot default it).
TEST(RemoteClusterTest, ToJsonWritesWhatTheServerStores) {
  auto rc = RemoteClusterFromJson(Minimal());
  ASSERT_TRUE(rc.ok());
  EXPECT_EQ(ToJson(rc->spec), json::parse(R"({
    "kubeconfigSecretRef": {"name": "prod-kubeconfig", "namespace": "dr-system",
                            "key": "kubeconfig"},
    "qps": 50, "burst": 100, "probeInterval": "30s",
    "pvcSync": {"enabled": false, "agent": {"sshPort": 2222, "hostNetwork": true},
                "keyRotationInterval": "720h"}
  })"));
}

TEST(RemoteClusterTest, FullSpecRoundTrips) {
  json obj = Minimal();
  obj["spec"] = json::parse(R"({
    "kubeconfigSecretRef": {"name": "kc", "namespace": "secrets", "key": "config.yaml"},
    "context": "prod-admin", "defaultSchedule": "*/10 * * * *",
    "defaultResourceTypes": ["deployments", "configmaps", "widgets.example.com"],
    "qps": 12.5, "burst": 25, "probeInterval": "1m30s",
    "pvcSync": {"enabled": true, "keyRotationInterval": "168h",
      "agent": {"image": "registry.example/agent:1.2", "sshPort": 2022,
                "nodeSelector": {"kubernetes.io/os": "linux"},
                "tolerations": [{"operator": "Exists"}],
                "resources": {"limits": {"memory": "256Mi"}},
                "priorityClassName": "system-node-critical", "hostNetwork": false}}
  })");
  auto rc = RemoteClusterFromJson(obj);
  ASSERT_TRUE(rc.ok()) << rc.error();
  EXPECT_TRUE(Validate(rc->spec).ok()) << Validate(rc->spec).error();
  EXPECT_EQ(rc->spec.qps, 12.5);
  EXPECT_EQ(rc->spec.probe_interval, seconds(90));
  EXPECT_EQ(rc->spec.pvc_sync.agent.tolerations, json::parse(R"([{"operator":"Exists"}])"));
  json expected = obj["spec"];
  expected["probeInterval"] = "1m30s";
  EXPECT_EQ(ToJson(rc->spec), expected);
  auto again = RemoteClusterSpecFromJson(ToJson(rc->spec), "elsewhere");
  ASSERT_TRUE(again.ok()) << again.error();
  EXPECT_EQ(*again, rc->spec);
}

// Objects written for the Go dr-syncer carry fields we do not have and none
// of our defaults; they must still decode.
TEST(RemoteClusterTest, GoDrSyncerObjectDecodes) {
  auto rc = RemoteClusterFromJson(json::parse(R"({
    "metadata": {"name": "nyc3", "namespace": "dr-syncer",
                 "deletionTimestamp": "2026-01-01T00:00:00Z"},
    "spec": {"kubeconfigSecretRef": {"name": "nyc3-kubeconfig", "namespace": "dr-syncer"},
             "defaultSchedule": "*/15 * * * *",
             "pvcSync": {"enabled": true, "image": {"repository": "supporttools/agent"},
                         "ssh": {"port": 2222}, "concurrency": 3}},
    "status": {"health": "Healthy", "conditions": [
      {"type": "Ready", "status": "True", "reason": "Healthy", "message": "",
       "lastTransitionTime": "2025-05-01T00:00:00Z"}]}
  })"));
  ASSERT_TRUE(rc.ok()) << rc.error();
  EXPECT_TRUE(rc->metadata.being_deleted);
  EXPECT_TRUE(rc->spec.pvc_sync.enabled);
  EXPECT_EQ(rc->spec.pvc_sync.agent.ssh_port, 2222);
  EXPECT_EQ(rc->spec.kubeconfig_secret_ref.key, "kubeconfig");
  EXPECT_TRUE(IsConditionTrue(rc->status.conditions, kConditionReady));
  EXPECT_TRUE(Validate(rc->spec).ok());
}

TEST(RemoteClusterTest, DecodingNamesEveryMistypedField) {
  json obj = Minimal();
  obj["spec"]["qps"] = "fast";
  obj["spec"]["burst"] = 1.5;
  obj["spec"]["probeInterval"] = "30";
  obj["spec"]["defaultResourceTypes"] = json::array({"pods", 3});
  obj["spec"]["pvcSync"] = {{"agent", {{"sshPort", 5000000000LL}, {"tolerations", "none"}}},
                            {"keyRotationInterval", "-1h"}};
  auto rc = RemoteClusterFromJson(obj);
  ASSERT_FALSE(rc.ok());
  EXPECT_EQ(rc.error().code(), ErrorCode::kInvalid);
  EXPECT_TRUE(rc.error().terminal());
  const std::string m = rc.error().message();
  EXPECT_THAT(m, HasSubstr("spec.qps: must be a number"));
  EXPECT_THAT(m, HasSubstr("spec.burst: must be an integer"));
  EXPECT_THAT(m, HasSubstr("spec.probeInterval: invalid duration \"30\": missing unit"));
  EXPECT_THAT(m, HasSubstr("spec.defaultResourceTypes[1]: must be a string"));
  EXPECT_THAT(m, HasSubstr("spec.pvcSync.agent.sshPort: must be a 32-bit integer"));
  EXPECT_THAT(m, HasSubstr("spec.pvcSync.agent.tolerations: must be a list"));
  EXPECT_THAT(m, HasSubstr("spec.pvcSync.keyRotationInterval: must be a duration without a sign"));
  EXPECT_EQ(rc.error().causes().size(), 6U + 1U);
}

TEST(RemoteClusterTest, DecodingRequiresSpecAndSecretRef) {
  auto no_spec = RemoteClusterFromJson(json::parse(R"({"metadata": {"name": "x"}})"));
  ASSERT_FALSE(no_spec.ok());
  EXPECT_THAT(no_spec.error().message(), HasSubstr("spec: required"));
  auto no_ref = RemoteClusterFromJson(json::parse(R"({"spec": {}})"));
  ASSERT_FALSE(no_ref.ok());
  EXPECT_THAT(no_ref.error().message(), HasSubstr("spec.kubeconfigSecretRef: required"));
  EXPECT_FALSE(RemoteClusterFromJson(json::array()).ok());
  auto bad_meta = RemoteClusterFromJson(json::parse(R"({"metadata": [], "spec": {
      "kubeconfigSecretRef": {"name": "a"}}})"));
  ASSERT_FALSE(bad_meta.ok());
  EXPECT_THAT(bad_meta.error().message(), HasSubstr("metadata: must be an object"));
}

// Every rule of the CRD, one case each; the error names the field.
TEST(RemoteClusterTest, ValidateNamesTheBrokenRule) {
  const struct {
    std::function<void(RemoteClusterSpec&)> mutate;
    std::string_view message_part;
  } cases[] = {
      {[](auto& s) { s.kubeconfig_secret_ref.name = ""; },
       "spec.kubeconfigSecretRef.name: required"},
      {[](auto& s) { s.kubeconfig_secret_ref.name = "Bad_Name"; },
       "spec.kubeconfigSecretRef.name: \"Bad_Name\" must be a lowercase RFC 1123 subdomain"},
      {[](auto& s) { s.kubeconfig_secret_ref.ns = "a.b"; },
       "spec.kubeconfigSecretRef.namespace: \"a.b\" must be a lowercase RFC 1123 label"},
      {[](auto& s) { s.kubeconfig_secret_ref.key = ""; }, "spec.kubeconfigSecretRef.key"},
      {[](auto& s) { s.kubeconfig_secret_ref.key = "a/b"; }, "must be a Secret key"},
      {[](auto& s) { s.default_schedule = "61 * * * *"; },
       "spec.defaultSchedule: invalid cron minute field"},
      {[](auto& s) {
         s.default_resource_types = {"pods", "bad type"};
       },
       "spec.defaultResourceTypes[1]: \"bad type\" must be \"*\" or a resource type"},
      {[](auto& s) { s.default_resource_types = {"widgets.Example.com"}; },
       "spec.defaultResourceTypes[0]"},
      {[](auto& s) { s.context = std::string(254, 'c'); }, "spec.context"},
      {[](auto& s) { s.default_schedule = "0 0 * * *" + std::string(200, ' '); },
       "spec.defaultSchedule: must be at most 128 characters"},
      {[](auto& s) { s.default_resource_types.assign(257, "pods"); },
       "spec.defaultResourceTypes: must have at most 256 items"},
      {[](auto& s) { s.pvc_sync.agent.image = "registry/agent:1 --privileged"; },
       "spec.pvcSync.agent.image"},
      {[](auto& s) { s.qps = 0; }, "spec.qps: must be greater than 0"},
      {[](auto& s) { s.burst = 0; }, "spec.burst: must be at least 1"},
      {[](auto& s) { s.probe_interval = std::chrono::milliseconds(500); },
       "spec.probeInterval: must be at least 1s, not 500ms"},
      {[](auto& s) { s.pvc_sync.agent.ssh_port = 0; },
       "spec.pvcSync.agent.sshPort: must be between 1 and 65535"},
      {[](auto& s) {
         s.pvc_sync.agent.node_selector = {{"bad key!", "x"}};
       },
       "spec.pvcSync.agent.nodeSelector.bad key!"},
      {[](auto& s) {
         s.pvc_sync.agent.node_selector = {{"zone", "not valid!"}};
       },
       "spec.pvcSync.agent.nodeSelector.zone"},
      {[](auto& s) { s.pvc_sync.agent.tolerations = json::array({1}); },
       "spec.pvcSync.agent.tolerations[0]: must be an object"},
      {[](auto& s) { s.pvc_sync.agent.priority_class_name = "High"; },
       "spec.pvcSync.agent.priorityClassName"},
      {[](auto& s) { s.pvc_sync.key_rotation_interval = minutes(30); },
       "spec.pvcSync.keyRotationInterval: must be at least 1h, not 30m"},
  };
  for (const auto& c : cases) {
    RemoteClusterSpec spec;
    spec.kubeconfig_secret_ref.name = "kc";
    ASSERT_TRUE(Validate(spec).ok());
    c.mutate(spec);
    const Status s = Validate(spec);
    ASSERT_FALSE(s.ok()) << c.message_part;
    EXPECT_EQ(s.error().code(), ErrorCode::kInvalid);
    EXPECT_THAT(s.error().message(), HasSubstr(c.message_part));
    ASSERT_FALSE(s.error().causes().empty());
  }
}

TEST(RemoteClusterTest, StatusRoundTripsAndSummarizesAgents) {
  RemoteClusterStatus status;
  status.observed_generation = 3;
  status.server_version = "v1.36.3";
  status.last_probe_time = ParseRfc3339("2026-01-01T10:00:00Z").value();
  status.agents = AgentCounts{.desired = 3, .ready = 2, .reachable = 1};
  status.message = "2 of 3 agents ready";
  status.last_handled_key_rotation = "leak-2026-01-01";
  status.last_key_rotation_time = ParseRfc3339("2026-01-01T09:00:00Z").value();
  ASSERT_TRUE(SetCondition(status.conditions,
                           Condition{.type = std::string(kConditionReady),
                                     .status = ConditionStatus::kTrue,
                                     .reason = "Reachable"},
                           ParseRfc3339("2026-01-01T09:00:00Z").value()));
  const json j = ToJson(status);
  EXPECT_EQ(j.at("agents"),
            json::parse(R"({"desired": 3, "ready": 2, "reachable": 1, "summary": "2/3"})"));
  EXPECT_EQ(j.at("lastProbeTime"), "2026-01-01T10:00:00Z");
  EXPECT_EQ(j.at("lastHandledKeyRotation"), "leak-2026-01-01");
  EXPECT_EQ(j.at("lastKeyRotationTime"), "2026-01-01T09:00:00Z");
  auto back = RemoteClusterStatusFromJson(j);
  ASSERT_TRUE(back.ok()) << back.error();
  EXPECT_EQ(*back, status);
  EXPECT_EQ(ToJson(RemoteClusterStatus{}), json::object());
  EXPECT_TRUE(RemoteClusterStatusFromJson(json(nullptr)).ok());
}

}  // namespace
}  // namespace drs::api
